package dev.containerv.linux.rootless;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where linux-ns keeps its files when the JVM is not root, following the XDG base directories: state (control
 * sockets, {@code state.json}; small, gone at reboot) in {@code $XDG_RUNTIME_DIR/containerv}, else
 * {@code /tmp/containerv-<uid>}; writable layers in {@code $XDG_DATA_HOME/containerv}, else
 * {@code ~/.local/share/containerv}; the extracted helper in {@code $XDG_CACHE_HOME/containerv}, else
 * {@code ~/.cache/containerv}. A variable counts only when it holds an absolute path (as the XDG specification says).
 * Each root must be the user's own and closed to others ({@link #requireOwn}): one user never sees or touches
 * another's containers.
 *
 * @param stateRoot   the state root
 * @param layerRoot   the layer root
 * @param helperCache the directory the jar's helper is extracted under
 */
public record UserPlaces(Path stateRoot, Path layerRoot, Path helperCache) {
    private static final int GROUP_OR_OTHER_WRITE = 0022;

    /** The places of user {@code uid} whose home is {@code home}, with the XDG variables read through {@code env}. */
    public static UserPlaces of(long uid, Path home, Function<String, String> env) {
        Path runtime = xdg(env, "XDG_RUNTIME_DIR").map(p -> p.resolve("containerv")).orElse(Path.of("/tmp", "containerv-" + uid));
        Path data = xdg(env, "XDG_DATA_HOME").orElse(home.resolve(".local/share")).resolve("containerv");
        Path cache = xdg(env, "XDG_CACHE_HOME").orElse(home.resolve(".cache")).resolve("containerv");
        return new UserPlaces(runtime, data, cache);
    }

    /** The places of this JVM's user: its environment and {@code user.home}. */
    public static UserPlaces ofThisUser(long uid) {
        return of(uid, Path.of(System.getProperty("user.home")), System::getenv);
    }

    /**
     * The user's runtime directory ({@code $XDG_RUNTIME_DIR}), which holds the sockets of the user's session: the
     * systemd user manager, the D-Bus session bus, SSH and GPG agents, Wayland, rootless Docker or Podman. A container
     * that reached one of them would act as the user outside any container ({@code systemd-run --user}), so linux-ns
     * masks this directory wherever a rootless container would see it (a host-root view binds the directories that
     * have mounts below them, and a Unix socket connects through a read-only bind).
     */
    public static Optional<Path> runtimeDir(Function<String, String> env) {
        return xdg(env, "XDG_RUNTIME_DIR");
    }

    private static Optional<Path> xdg(Function<String, String> env, String name) {
        String v = env.apply(name);
        if (v == null || v.isBlank() || !v.startsWith("/")) {
            return Optional.empty();
        }
        return Optional.of(Path.of(v).normalize());
    }

    /**
     * What is wrong with {@code dir} as a root of user {@code uid}, or empty when it does not exist yet (linux-ns
     * makes it, mode 0700) or is a directory of that user that neither group nor others may write. A symbolic link is
     * judged by what it points to only after it is found to be the user's own.
     */
    public static Optional<String> ownProblem(Path dir, long uid) throws IOException {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(dir, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        long owner = ((Number) a.get("uid")).longValue();
        int mode = (Integer) a.get("mode");
        String octal = String.format("%04o", mode & 07777);
        if (owner != uid) {
            return Optional.of(dir + " is owned by uid " + owner + " (mode " + octal + "), not by this user (uid " + uid + ")");
        }
        if ((mode & 0170000) == 0120000) {
            return ownProblem(dir.toRealPath(), uid).map(p -> p + " (reached through the symbolic link " + dir + ")");
        }
        if ((mode & 0170000) != 0040000) {
            return Optional.of(dir + " is not a directory (mode " + octal + ", owner uid " + owner + ")");
        }
        if ((mode & GROUP_OR_OTHER_WRITE) != 0) {
            return Optional.of(dir + " is writable by " + ((mode & 0020) != 0 && (mode & 0002) != 0 ? "group and others"
                    : (mode & 0020) != 0 ? "group" : "others") + " (mode " + octal + ", owner uid " + owner + ")");
        }
        return Optional.empty();
    }

    /**
     * Refuses with {@code PERMISSION_DENIED} a root that is not the user's own ({@link #ownProblem}).
     *
     * @param what  "state root", "layer root"
     * @param field the option that sets it, for the message
     */
    public static void requireOwn(String what, String field, Path dir, long uid, String op, String id) {
        Optional<String> problem;
        try {
            problem = ownProblem(dir, uid);
        } catch (IOException e) {
            problem = Optional.of(dir + " cannot be examined: " + e);
        }
        problem.ifPresent(p -> {
            ContainerException.Builder b = ContainerException.builder(ErrorKind.PERMISSION_DENIED, "the " + what + " " + dir
                    + " is not this user's own: " + p + "; as a normal user linux-ns keeps its " + what
                    + " in a directory of that user closed to others (mode 0700); fix the owner or mode, or choose another path ("
                    + field + ")").operation(op);
            if (id != null) {
                b.containerId(id);
            }
            throw b.build();
        });
    }
}
