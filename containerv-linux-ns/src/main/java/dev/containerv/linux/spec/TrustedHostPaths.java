package dev.containerv.linux.spec;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a host path that linux-ns acts on as root deserves that trust: the state root (whose {@code state.json}
 * names the init to join), the layer root (whose trees are deleted) and the helper (which is executed). The path
 * and every directory above it must be owned by root or by this process's uid and not writable by group or
 * others; otherwise another user could replace what root later reads, deletes or runs. Symbolic links on the way
 * are followed only when they are owned by a trusted uid, and then their target is judged the same way. One
 * exception, for directories <em>above</em> the path only: a directory with the sticky bit owned by a trusted uid
 * (such as {@code /tmp}), because there nobody else can rename or remove what root created. A part of the path that
 * does not exist yet is fine: linux-ns creates it, mode 0700, under a directory already judged. Stateless.
 */
public final class TrustedHostPaths {
    private static final int GROUP_WRITE = 0020;
    private static final int OTHER_WRITE = 0002;
    private static final int STICKY = 01000;
    private static final int TYPE_MASK = 0170000;
    private static final int DIRECTORY = 0040000;
    private static final int SYMLINK = 0120000;
    private static final int MAX_LINKS = 40;

    private TrustedHostPaths() {
    }

    /**
     * Refuses with {@code PERMISSION_DENIED} naming the path and what is wrong with it (owner, mode).
     *
     * @param what  what the path is to linux-ns ("state root", "layer root", "helper")
     * @param field the option that sets it, for the message
     * @return whether the path exists (then it was judged as it is, not only the directories above it)
     */
    public static boolean require(String what, String field, Path path, long euid, String op, String id) {
        Optional<String> problem;
        boolean exists = false;
        try {
            Verdict v = judge(path.toAbsolutePath().normalize(), euid, true, 0);
            problem = v.problem();
            exists = v.exists();
        } catch (IOException e) {
            problem = Optional.of("cannot be examined: " + e);
        }
        problem.ifPresent(p -> {
            ContainerException.Builder b = ContainerException.builder(ErrorKind.PERMISSION_DENIED, "the " + what + " " + path
                    + " is not trusted: " + p + "; linux-ns acts on it as " + (euid == 0 ? "root" : "uid " + euid) + ", so it and every directory above it must be owned by root"
                    + " (or uid " + euid + ", this process) and not writable by group or others (a root-owned sticky directory such as /tmp"
                    + " is accepted above it); fix the owner or mode, or choose another path (" + field + ")").operation(op);
            if (id != null) {
                b.containerId(id);
            }
            throw b.build();
        });
        return exists;
    }

    /** What makes {@code path} untrusted, or empty when it and every directory above it are trusted. */
    public static Optional<String> problem(Path path, long euid) throws IOException {
        return judge(path.toAbsolutePath().normalize(), euid, true, 0).problem();
    }

    /** What makes a path untrusted, and whether the walk reached its end (the path exists). */
    private record Verdict(Optional<String> problem, boolean exists) {
        static final Verdict ABSENT = new Verdict(Optional.empty(), false);

        static Verdict of(Optional<String> problem) {
            return new Verdict(problem, true);
        }
    }

    private static Verdict judge(Path abs, long euid, boolean endIsTarget, int links) throws IOException {
        Path at = abs.getRoot();
        Optional<String> rootProblem = judgeOne(at, attributes(at), euid, abs.getNameCount() == 0 && endIsTarget);
        if (rootProblem.isPresent()) {
            return Verdict.of(rootProblem);
        }
        for (int i = 0; i < abs.getNameCount(); i++) {
            Path next = at.resolve(abs.getName(i));
            boolean target = endIsTarget && i == abs.getNameCount() - 1;
            Map<String, Object> a;
            try {
                a = attributes(next);
            } catch (NoSuchFileException e) {
                return Verdict.ABSENT;
            }
            if ((mode(a) & TYPE_MASK) == SYMLINK) {
                if (!trustedOwner(uid(a), euid)) {
                    return Verdict.of(Optional.of(next + " is a symbolic link owned by uid " + uid(a)));
                }
                if (links >= MAX_LINKS) {
                    return Verdict.of(Optional.of(next + ": too many levels of symbolic links"));
                }
                Path resolved;
                try {
                    resolved = next.toRealPath();
                } catch (NoSuchFileException e) {
                    return Verdict.ABSENT;
                }
                Verdict viaLink = judge(resolved, euid, target, links + 1);
                if (viaLink.problem().isPresent()) {
                    return Verdict.of(Optional.of(viaLink.problem().get() + " (reached through the symbolic link " + next + ")"));
                }
                if (!viaLink.exists()) {
                    return Verdict.ABSENT;
                }
                at = resolved;
                continue;
            }
            Optional<String> p = judgeOne(next, a, euid, target);
            if (p.isPresent()) {
                return Verdict.of(p);
            }
            at = next;
        }
        return Verdict.of(Optional.empty());
    }

    private static Optional<String> judgeOne(Path p, Map<String, Object> a, long euid, boolean target) {
        int mode = mode(a);
        String octal = String.format("%04o", mode & 07777);
        if (!trustedOwner(uid(a), euid)) {
            return Optional.of(p + (target ? "" : " (above it)") + " is owned by uid " + uid(a) + " (mode " + octal + ")");
        }
        int writable = mode & (GROUP_WRITE | OTHER_WRITE);
        if (writable == 0) {
            return Optional.empty();
        }
        if (!target && (mode & TYPE_MASK) == DIRECTORY && (mode & STICKY) != 0) {
            return Optional.empty();
        }
        String by = writable == (GROUP_WRITE | OTHER_WRITE) ? "group and others" : writable == GROUP_WRITE ? "group" : "others";
        return Optional.of(p + (target ? "" : " (above it)") + " is writable by " + by + " (mode " + octal + ", owner uid " + uid(a) + ")");
    }

    private static boolean trustedOwner(long uid, long euid) {
        return uid == 0 || uid == euid;
    }

    private static Map<String, Object> attributes(Path p) throws IOException {
        return Files.readAttributes(p, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
    }

    private static int mode(Map<String, Object> a) {
        return (Integer) a.get("mode");
    }

    private static long uid(Map<String, Object> a) {
        return ((Number) a.get("uid")).longValue();
    }
}
