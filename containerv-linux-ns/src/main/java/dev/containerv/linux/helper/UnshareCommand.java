package dev.containerv.linux.helper;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How a rootless helper gets its user namespace: util-linux's {@code unshare --user --map-root-user}, which makes
 * one, writes {@code deny} to {@code setgroups} and maps this user's uid and gid to 0 (the single mapping a user may
 * write without privileges), then execs the helper. Until the helper makes its own (the userns work).
 */
public final class UnshareCommand {
    private static final List<Path> PLACES = List.of(Path.of("/usr/bin/unshare"), Path.of("/bin/unshare"));

    private UnshareCommand() {
    }

    /** Why a rootless container cannot start here, when no unshare binary is found. */
    public static final String MISSING = "a rootless container needs unshare(1) from util-linux at " + PLACES
            + " to make its user namespace; install util-linux";

    /** The unshare binary, if this host has one. */
    public static java.util.Optional<Path> find() {
        return PLACES.stream().filter(Files::isExecutable).findFirst();
    }

    /** The unshare binary, or {@code NOT_SUPPORTED} naming the package. */
    public static Path unshare() {
        return find().orElseThrow(() -> new ContainerException(ErrorKind.NOT_SUPPORTED, MISSING));
    }
}
