package dev.containerv.linux.helper;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One transfer between the host and a running container through {@code containerv-helper copy} (protocol
 * section 7): the helper opens the host side first, then enters the container's mount namespace and root, so a
 * container symlink can never reach a host path. Its result line becomes success or a worded
 * {@link ContainerException}.
 */
public final class HelperCopy {
    private static final System.Logger LOG = System.getLogger(HelperCopy.class.getName());
    private static final Duration COPY_TIMEOUT = Duration.ofMinutes(30);

    /** Which way the bytes go. */
    public enum Direction {
        UPLOAD("upload"), DOWNLOAD("download");

        private final String word;

        Direction(String word) {
            this.word = word;
        }
    }

    /**
     * The running container, as the copy needs it: its helper and its init (pid and start time, so a reused pid is
     * refused); {@code ownerOfParent}: uploads take the owner of the destination's parent directory instead of the
     * host file's (a container with a user namespace, where that owner is a mapped id).
     */
    public record Target(String containerId, Path helper, long initPid, long initStartTime, boolean ownerOfParent) {
    }

    private HelperCopy() {
    }

    /**
     * Copies {@code host} to {@code containerPath} or back by the rule of {@link dev.containerv.api.Container#upload}; both
     * paths are absolute and checked by the caller. An upload's {@code containerPath} ending in {@code /} must name an
     * existing directory.
     */
    public static void copy(Target t, String op, Direction direction, Path host, String containerPath) {
        boolean upload = direction == Direction.UPLOAD;
        List<String> cmd = new ArrayList<>(List.of(t.helper().toString(), "copy", direction.word, "--pid", Long.toString(t.initPid()),
                "--expect-starttime", Long.toString(t.initStartTime())));
        if (upload) {
            cmd.addAll(List.of("--host", host.toString(), "--container", containerPath));
            if (t.ownerOfParent()) {
                cmd.add("--owner-of-parent");
            }
        } else {
            cmd.addAll(List.of("--container", containerPath, "--host", host.toString()));
        }
        String what = upload ? "upload " + host + " to " + containerPath + " in container " + t.containerId()
                : "download " + containerPath + " of container " + t.containerId() + " to " + host;
        try {
            HelperCommand.Result r = HelperCommand.run(cmd, COPY_TIMEOUT, false);
            if (r.output().isEmpty()) {
                throw ContainerException.builder(r.timedOut() ? ErrorKind.TIMEOUT : ErrorKind.PLATFORM_FAILURE, "cannot " + what + ": the helper "
                        + (r.timedOut() ? "did not finish within " + COPY_TIMEOUT.toMinutes() + " min" : "exited with " + r.exitCode() + " without a result"))
                        .operation(op).containerId(t.containerId()).build();
            }
            String out = r.output();
            StatusLine line = StatusLine.parse(out.lines().reduce((a, b) -> b).orElse(out));
            if (line instanceof StatusLine.Error e) {
                throw copyError(t.containerId(), op, upload, what, e.failure(), host, containerPath);
            }
            if (line instanceof StatusLine.CopyOk ok) {
                LOG.log(Level.DEBUG, () -> what + ": " + ok);
                return;
            }
            throw new IllegalArgumentException("unexpected copy result '" + out + "'");
        } catch (IOException | IllegalArgumentException e) {
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "cannot " + what + ": " + e.getMessage())
                    .operation(op).containerId(t.containerId()).cause(e).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "interrupted: " + what).operation(op).containerId(t.containerId()).cause(e).build();
        }
    }

    private static ContainerException copyError(String id, String op, boolean upload, String what, HelperFailure f, Path host, String containerPath) {
        boolean hostSide = f.step().equals("host-open") || (!upload && f.path().equals(host.toString()));
        ErrorKind kind = f.kind();
        String sentence;
        if (f.step().equals("target")) {
            kind = ErrorKind.NOT_FOUND;
            sentence = "cannot " + what + ": the container is no longer running";
        } else if (f.step().equals("depth")) {
            kind = ErrorKind.RESOURCE_LIMIT;
            sentence = "cannot " + what + ": the tree is too deep; nothing was left behind";
        } else if ("ELOOP".equals(f.errnoName()) && (f.step().equals("host-open") || f.step().equals("container-open"))) {
            kind = ErrorKind.PERMISSION_DENIED;
            sentence = "cannot " + what + ": " + (hostSide ? "the host path" : "the container path") + " leads through a link a copy does not follow";
        } else if ("ENOENT".equals(f.errnoName())) {
            boolean mustBeDir = upload && containerPath.endsWith("/") && !hostSide;
            sentence = "cannot " + what + ": " + (hostSide ? "host path " : "container path ") + (f.path().isEmpty() ? (hostSide ? host : containerPath) : f.path())
                    + " does not exist" + (mustBeDir ? " (a destination ending in '/' must be an existing directory)"
                    : upload || hostSide ? " (the parent of the destination must exist)" : "");
        } else if ("EISDIR".equals(f.errnoName())) {
            kind = ErrorKind.INVALID_SPEC;
            sentence = "cannot " + what + ": " + f.path() + " is a directory and the source is not (a file never replaces a directory)";
        } else if ("ENOTDIR".equals(f.errnoName())) {
            kind = ErrorKind.INVALID_SPEC;
            sentence = "cannot " + what + ": " + f.path() + " is not a directory (a directory never replaces a file, a destination ending in '/'"
                    + " must be a directory, and every parent must be one)";
        } else {
            sentence = "cannot " + what;
        }
        return f.toException(op, id, kind, sentence);
    }
}
