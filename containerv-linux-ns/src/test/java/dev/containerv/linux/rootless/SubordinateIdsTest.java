package dev.containerv.linux.rootless;

import dev.containerv.api.IdMapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SubordinateIdsTest {
    @TempDir
    Path tmp;

    private Path bin() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String t : new String[] {"newuidmap", "newgidmap"}) {
            Path p = Files.writeString(bin.resolve(t), "#!/bin/sh\n");
            p.toFile().setExecutable(true);
        }
        return bin;
    }

    private Path etc(String subuid, String subgid) throws IOException {
        Path etc = Files.createDirectories(tmp.resolve("etc"));
        Files.writeString(etc.resolve("subuid"), subuid);
        Files.writeString(etc.resolve("subgid"), subgid);
        return etc;
    }

    private static final List<IdMapping> RANGE = List.of(new IdMapping(0, 100000, 65536));

    @Test
    void noMappingsNeedNothing() throws IOException {
        assertThat(SubordinateIds.problem(List.of(), List.of(), "me", 1000, 1000, tmp, List.of(tmp))).isEmpty();
    }

    @Test
    void withoutTheUidmapToolsTheRefusalNamesThePackage() throws IOException {
        assertThat(SubordinateIds.problem(RANGE, RANGE, "me", 1000, 1000, etc("me:100000:65536\n", "me:100000:65536\n"), List.of(tmp.resolve("none"))))
                .hasValueSatisfying(p -> assertThat(p).contains("newuidmap", "package uidmap"));
    }

    @Test
    void aRangeTheFilesDoNotGrantIsNamedAndOneTheyGrantPasses() throws IOException {
        Path bin = bin();
        Path etc = etc("other:100000:65536\nme:200000:65536\n", "1000:100000:65536\n");
        assertThat(SubordinateIds.problem(RANGE, RANGE, "me", 1000, 1000, etc, List.of(bin)))
                .hasValueSatisfying(p -> assertThat(p).contains("uid mapping", "100000-165535", etc.resolve("subuid").toString(), "user me (1000)",
                        "usermod --add-subuids 100000-165535 me"));
        List<IdMapping> granted = List.of(new IdMapping(0, 200000, 65536));
        assertThat(SubordinateIds.problem(granted, RANGE, "me", 1000, 1000, etc, List.of(bin))).as("gid range granted by uid").isEmpty();
        assertThat(SubordinateIds.problem(List.of(new IdMapping(0, 1000, 1)), List.of(), "me", 1000, 1000, etc(" ", " "), List.of(bin)))
                .as("the user's own id needs no range").isEmpty();
    }
}
