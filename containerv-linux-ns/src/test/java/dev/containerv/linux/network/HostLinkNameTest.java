package dev.containerv.linux.network;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class HostLinkNameTest {
    @TempDir
    Path tmp;

    @Test
    void isCvAndTwelveHexDigitsWithinTheKernelsLimitAndStablePerStateDirectory() {
        String name = HostLinkName.of(Path.of("/run/containerv/web-1"));
        assertThat(name).matches("cv[0-9a-f]{12}").hasSizeLessThanOrEqualTo(HostLinkName.MAX_LENGTH);
        assertThat(HostLinkName.of(Path.of("/run/containerv/./web-1"))).as("the same directory").isEqualTo(name);
        // sha256("/run/containerv/web-1") starts with these digits: the name is a function of the path alone.
        assertThat(name).isEqualTo("cv" + sha256Prefix("/run/containerv/web-1"));
    }

    @Test
    void theSameIdUnderTwoStateRootsGetsTwoNames() {
        String a = HostLinkName.of(Path.of("/run/containerv/c1"));
        String b = HostLinkName.of(Path.of("/tmp/other-root/c1"));
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void ownerOfMapsALinkBackToTheContainerUnderTheStateRoot() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("state"));
        Files.createDirectories(root.resolve("alpha"));
        Files.createDirectories(root.resolve("beta"));
        assertThat(HostLinks.ownerOf(HostLinkName.of(root.resolve("beta")), root)).hasValue("beta");
        assertThat(HostLinks.ownerOf(HostLinkName.of(root.resolve("gamma")), root)).isEmpty();
        assertThat(HostLinks.ownerOf("eth0", root)).isEmpty();
    }

    @Test
    void aTakenNameIsRefusedAsAlreadyExistsNamingTheLink() throws IOException {
        Path sys = Files.createDirectories(tmp.resolve("sys-class-net"));
        Path stateDir = tmp.resolve("state/c1");
        String name = HostLinkName.of(stateDir);
        Files.createDirectories(sys.resolve(name));
        HostLinks links = new HostLinks(sys, new dev.containerv.linux.proc.Proc(tmp.resolve("no-proc")));
        assertThat(links.exists(name)).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> links.requireFree(
                        dev.containerv.api.NetworkSpec.builder().containerAddress("10.9.9.2/24").build(), stateDir))
                .isInstanceOfSatisfying(dev.containerv.api.ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(dev.containerv.api.ErrorKind.ALREADY_EXISTS);
                    assertThat(e.getMessage()).contains(name);
                });
    }

    private static String sha256Prefix(String s) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d).substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
