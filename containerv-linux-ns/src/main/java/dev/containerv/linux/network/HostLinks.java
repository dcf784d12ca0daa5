package dev.containerv.linux.network;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.NetworkSpec;
import dev.containerv.linux.proc.Proc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The host-side checks before a container's veth pair is made: its link name is free, and its subnet is not
 * routed on the host yet ({@link Addressing#checkSubnetFree}). Two creates racing for one subnet can both pass;
 * the second container's subnet then only works for the first (see docs/linux-provider.md).
 */
public final class HostLinks {
    private final Path sysClassNet;
    private final Proc proc;

    /** @param sysClassNet where the host's links are listed ({@code /sys/class/net}) */
    public HostLinks(Path sysClassNet, Proc proc) {
        this.sysClassNet = sysClassNet;
        this.proc = proc;
    }

    /** Whether the host has a link of that name. */
    public boolean exists(String name) {
        return Files.exists(sysClassNet.resolve(name), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Refuses a name already taken and a subnet already routed.
     *
     * @param stateDir the container's state directory (its link name derives from it)
     * @throws ContainerException {@code ALREADY_EXISTS} naming the link or the subnet and who uses it
     */
    public void requireFree(NetworkSpec net, Path stateDir) {
        String link = HostLinkName.of(stateDir);
        if (exists(link)) {
            throw ContainerException.builder(ErrorKind.ALREADY_EXISTS, "the host already has a link named " + link
                    + " (the name of this container's veth, derived from its state directory " + stateDir + "): another container's "
                    + "name with the same hash, or a link left by a process other than containerv; remove that link or use another id")
                    .build();
        }
        try {
            Addressing.checkSubnetFree(net, proc.ipv4Routes(), iface -> ownerOf(iface, stateDir.getParent()));
        } catch (IOException e) {
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "cannot read the host's routes to check subnet "
                    + Addressing.subnetText(net) + ": " + e).cause(e).build();
        }
    }

    /** The id of the container under stateRoot whose host-side link is iface. */
    static Optional<String> ownerOf(String iface, Path stateRoot) {
        if (!iface.startsWith(HostLinkName.PREFIX)) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(stateRoot)) {
            for (Path dir : dirs) {
                if (HostLinkName.of(dir).equals(iface)) {
                    return Optional.of(dir.getFileName().toString());
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
