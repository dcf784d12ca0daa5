package dev.containerv.linux.network;

import dev.containerv.api.NetworkSpec;
import dev.containerv.linux.plan.LaunchPlan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Adds a container's network to its plan: the {@code veth} directive (the supervisor creates the pair) and
 * {@code /etc/resolv.conf} and {@code /etc/hosts}, written into the container's state directory and bound
 * read-write over the container's paths by the init (the bind resolves the container path inside its root, so an
 * image's symlink cannot lead the write to the host; with the writable layer on a tmpfs the upper directory does
 * not exist before the init, so a bind is the one way for both layouts). The files go with the state directory.
 */
public final class NetworkSetup {
    private NetworkSetup() {
    }

    /** Writes the two files into {@code stateDir} and adds the network to {@code plan}. */
    public static void apply(LaunchPlan plan, NetworkSpec net, String hostname, Path stateDir) throws IOException {
        Path resolv = write(stateDir.resolve("resolv.conf"), NetworkFiles.resolvConf(net));
        Path hosts = write(stateDir.resolve("hosts"), NetworkFiles.hosts(hostname, net));
        plan.veth(HostLinkName.of(stateDir), net.hostAddress().orElse(null), net.containerAddress(), net.prefixLength(),
                net.gateway().orElse(null));
        plan.bind(resolv, "/etc/resolv.conf", false);
        plan.bind(hosts, "/etc/hosts", false);
    }

    private static Path write(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
