package dev.containerv.linux.rootless;

import dev.containerv.api.IdMapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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
        assertThat(problemIn(List.of(), List.of(), "me", 1000, 1000, tmp, List.of(tmp))).isEmpty();
    }

    @Test
    void withoutTheUidmapToolsTheRefusalNamesThePackage() throws IOException {
        assertThat(problemIn(RANGE, RANGE, "me", 1000, 1000, etc("me:100000:65536\n", "me:100000:65536\n"), List.of(tmp.resolve("none"))))
                .hasValueSatisfying(p -> assertThat(p).contains("newuidmap", "package uidmap"));
    }

    @Test
    void aRangeTheFilesDoNotGrantIsNamedAndOneTheyGrantPasses() throws IOException {
        Path bin = bin();
        Path etc = etc("other:100000:65536\nme:200000:65536\n", "1000:100000:65536\n");
        List<IdMapping> other = List.of(new IdMapping(0, 1000, 1), new IdMapping(1, 100000, 65536));
        assertThat(problemIn(other, other, "me", 1000, 1000, etc, List.of(bin)))
                .hasValueSatisfying(p -> assertThat(p).contains("uid mapping", "100000-165535", etc.resolve("subuid").toString(), "user me (1000)",
                        "usermod --add-subuids 100000-165535 me"));
        List<IdMapping> granted = List.of(new IdMapping(0, 1000, 1), new IdMapping(1, 200000, 65536));
        List<IdMapping> grantedGids = List.of(new IdMapping(0, 1000, 1), new IdMapping(1, 100000, 65536));
        assertThat(problemIn(granted, grantedGids, "me", 1000, 1000, etc, List.of(bin))).as("gid range granted by uid").isEmpty();
        assertThat(problemIn(granted, List.of(new IdMapping(0, 1000, 1), new IdMapping(1, 100000, 65537)), "me", 1000, 1000, etc,
                List.of(bin))).as("one id past the gid range").hasValueSatisfying(p -> assertThat(p).contains("gid mapping", "100000-165536",
                        etc.resolve("subgid").toString()));
        assertThat(problemIn(List.of(new IdMapping(0, 1000, 1)), List.of(), "me", 1000, 1000, etc(" ", " "), List.of(bin)))
                .as("the user's own id needs no range").isEmpty();
    }

    @Test
    void containerRootMustBeTheUsersOwnId() throws IOException {
        Path etc = etc("me:100000:65536\n", "me:100000:65536\n");
        assertThat(problemIn(RANGE, List.of(new IdMapping(0, 1000, 1)), "me", 1000, 1000, etc, List.of(bin())))
                .hasValueSatisfying(p -> assertThat(p).contains("the uid mapping", "maps container uid 0 to host uid 100000",
                        "new IdMapping(0, 1000, 1)", "user me"));
        assertThat(problemIn(List.of(new IdMapping(0, 1000, 1)), List.of(new IdMapping(0, 1001, 1)), "me", 1000, 1000, etc,
                List.of(bin()))).hasValueSatisfying(p -> assertThat(p).contains("maps container gid 0 to host gid 1001", "new IdMapping(0, 1000, 1)"));
    }

    @Test
    void offeredOnlyWithBothToolsAndARangeInEachFile() throws IOException {
        Path bin = bin();
        assertThat(unavailableIn("me", 1000, etc("me:100000:65536\n", "1000:100000:65536\n"), List.of(bin))).isEmpty();
        assertThat(SubordinateIds.tools(List.of(tmp.resolve("none"), bin))).hasValue(new SubordinateIds.Tools(bin.resolve("newuidmap"),
                bin.resolve("newgidmap")));
        Files.delete(bin.resolve("newgidmap"));
        assertThat(SubordinateIds.tools(List.of(bin))).isEmpty();
        assertThat(unavailableIn("me", 1000, tmp.resolve("etc"), List.of(bin)))
                .hasValueSatisfying(p -> assertThat(p).contains("newgidmap", "package uidmap", "not installed in [" + bin + "]"));
        Path bin2 = bin();
        assertThat(unavailableIn("me", 1000, etc("other:100000:65536\n", "me:100000:65536\n"), List.of(bin2)))
                .hasValueSatisfying(p -> assertThat(p).contains(tmp.resolve("etc/subuid").toString(), "grants user me (1000) no subordinate uids",
                        "usermod --add-subuids"));
        assertThat(unavailableIn("me", 1000, etc("me:100000:65536\n", ""), List.of(bin2)))
                .hasValueSatisfying(p -> assertThat(p).contains("subgid", "no subordinate gids"));
    }

    /**
     * A create reads the files and looks for the tools once ({@link SubordinateIds.Grants}) and asks every question
     * of what it read: the USERS check, the mappings' ranges and the plan's tools agree even if the host changes between.
     */
    @Test
    void oneReadOfTheHostAnswersEveryQuestionOfACreate() throws IOException {
        Path bin = bin();
        Path etc = etc("me:100000:65536\n", "me:100000:65536\n");
        SubordinateIds.Grants grants = SubordinateIds.Grants.read(etc, List.of(bin));
        Files.delete(etc.resolve("subuid"));
        Files.delete(bin.resolve("newgidmap"));
        assertThat(SubordinateIds.unavailable("me", 1000, grants)).isEmpty();
        assertThat(SubordinateIds.problem(List.of(new IdMapping(0, 1000, 1), new IdMapping(1, 100000, 65536)), List.of(), "me",
                1000, 1000, grants)).isEmpty();
        assertThat(grants.tools()).hasValue(new SubordinateIds.Tools(bin.resolve("newuidmap"), bin.resolve("newgidmap")));
        // A fresh read sees the host as it is now.
        assertThat(SubordinateIds.unavailable("me", 1000, SubordinateIds.Grants.read(etc, List.of(bin)))).isPresent();
    }
    /** {@link SubordinateIds#problem} with the two files read from {@code etc} and the tools looked for in {@code binaries}. */
    private static Optional<String> problemIn(List<IdMapping> uidMaps, List<IdMapping> gidMaps, String user, long uid, long gid, Path etc,
                                              List<Path> binaries) throws IOException {
        return SubordinateIds.problem(uidMaps, gidMaps, user, uid, gid, SubordinateIds.Grants.read(etc, binaries));
    }

    /** {@link SubordinateIds#unavailable} with the two files read from {@code etc} and the tools looked for in {@code binaries}. */
    private static Optional<String> unavailableIn(String user, long uid, Path etc, List<Path> binaries) throws IOException {
        return SubordinateIds.unavailable(user, uid, SubordinateIds.Grants.read(etc, binaries));
    }
}
