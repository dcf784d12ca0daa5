package dev.containerv.linux.helper;

import dev.containerv.linux.control.Wire;
import dev.containerv.linux.plan.LaunchPlan;
import dev.containerv.linux.proc.Proc;
import dev.containerv.linux.rootless.UserPlaces;
import dev.containerv.linux.spec.TrustedHostPaths;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Finds the native helper: an explicit path ({@code LinuxOptions.helperPath} or
 * {@code -Dcontainerv.linux.helper}), else the binary packed in the jar, extracted to a private cache
 * directory named after its SHA-256 (so two versions never collide) and checked against that hash before
 * use. Every failed attempt is kept as a suppressed exception of the final failure.
 */
public final class HelperBinary {
    /** The property naming an explicit helper. */
    public static final String PROPERTY = "containerv.linux.helper";
    static final String FILE_NAME = "containerv-helper";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private HelperBinary() {
    }

    /** The helper could not be found or made usable; {@link #getSuppressed()} holds each attempt. */
    public static final class UnavailableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnavailableException(String message) {
            super(message);
        }
    }

    /** Where the jar keeps the helper for this JVM's architecture. */
    public static String resourceName() {
        return "/dev/containerv/linux/native/linux-" + System.getProperty("os.arch") + "/" + FILE_NAME;
    }

    /**
     * The helper to run.
     *
     * @param explicit the options' helper path, if any (wins over the system property)
     * @param euid     this JVM's effective uid, which decides the cache directories tried
     */
    public static Path locate(Optional<Path> explicit, long euid, Proc proc) throws UnavailableException {
        Optional<Path> named = explicit.or(() -> Optional.ofNullable(System.getProperty(PROPERTY)).filter(s -> !s.isBlank()).map(Path::of));
        if (named.isPresent()) {
            Path p = named.get();
            if (!Files.isRegularFile(p)) {
                throw new UnavailableException("the helper named by -D" + PROPERTY + " (or LinuxOptions.helperPath) does not exist or is not a file: " + p);
            }
            if (!Files.isExecutable(p)) {
                throw new UnavailableException("the helper named by -D" + PROPERTY + " (or LinuxOptions.helperPath) is not executable: " + p);
            }
            requireTrusted(p, euid);
            return p;
        }
        byte[] binary;
        try (InputStream in = HelperBinary.class.getResourceAsStream(resourceName())) {
            if (in == null) {
                throw new UnavailableException("this build of containerv-linux-ns has no native helper for architecture '"
                        + System.getProperty("os.arch") + "' (resource " + resourceName() + " missing: the jar was built without a C compiler or on another OS); "
                        + "build it with 'make -C containerv-linux-ns/src/main/c' and name it with -D" + PROPERTY + "=PATH");
            }
            binary = in.readAllBytes();
        } catch (IOException e) {
            UnavailableException u = new UnavailableException("cannot read the native helper from the jar: " + e);
            u.addSuppressed(e);
            throw u;
        }
        String sha = sha256(binary);
        List<Path> bases = new ArrayList<>();
        if (euid == 0) {
            bases.add(Path.of("/var/cache/containerv"));
        }
        Path userCache = euid == 0 ? null : UserPlaces.ofThisUser(euid).helperCache();
        if (userCache != null) {
            bases.add(userCache);
        }
        bases.add(tmpCache(Path.of(System.getProperty("java.io.tmpdir")), euid));
        List<Exception> attempts = new ArrayList<>();
        for (Path base : bases) {
            Path dir = base.resolve("helper-" + sha.substring(0, 16));
            try {
                if (base.equals(userCache)) {
                    Files.createDirectories(base.getParent(), PosixFilePermissions.asFileAttribute(OWNER_ONLY)); // ~/.cache
                }
                Path file = extract(binary, sha, base, dir, euid);
                if (!HelperCache.hold(dir)) {
                    // A cleaner of another JVM removed it between the extraction and the lock: once more.
                    file = extract(binary, sha, base, dir, euid);
                    if (!HelperCache.hold(dir)) {
                        throw new IOException("the helper cache " + dir + " was removed twice while this JVM extracted into it");
                    }
                }
                Optional<String> untrusted = TrustedHostPaths.problem(file, euid);
                if (untrusted.isPresent()) {
                    throw new IOException("the helper cache " + dir + " is not trusted: " + untrusted.get());
                }
                String options = proc.mountOptionsOf(file);
                if (List.of(options.split(",")).contains("noexec")) {
                    throw new IOException(dir + " is on a file system mounted noexec, so the helper cannot run from there; set -D"
                            + PROPERTY + "=PATH to a copy of the helper on an executable file system, or -Djava.io.tmpdir");
                }
                HelperCache.removeUnused(base, dir, euid);
                return file;
            } catch (IOException | RuntimeException e) {
                attempts.add(e);
            }
        }
        StringBuilder reasons = new StringBuilder();
        for (Exception e : attempts) {
            reasons.append("; ").append(e.getMessage());
        }
        UnavailableException u = new UnavailableException("cannot extract the native helper to a private cache directory (tried "
                + bases + ")" + reasons + "; set -D" + PROPERTY + "=PATH to use a helper binary directly");
        attempts.forEach(u::addSuppressed);
        throw u;
    }

    /** The probe runs the helper: it must be trusted before it is ever executed ({@link TrustedHostPaths}). */
    /**
     * The last-resort cache under {@code tmpdir}: not {@code containerv-<uid>}, which is the rootless state root's own
     * fallback ({@code /tmp/containerv-<uid>} without {@code XDG_RUNTIME_DIR}); sharing it, the helper directories would be
     * taken for containers' state and removed as stale by {@code list()} a minute later, under the running JVM.
     */
    static Path tmpCache(Path tmpdir, long euid) {
        return tmpdir.resolve("containerv-helper-" + euid);
    }

    private static void requireTrusted(Path helper, long euid) throws UnavailableException {
        Optional<String> problem;
        try {
            problem = TrustedHostPaths.problem(helper, euid);
        } catch (IOException e) {
            problem = Optional.of("cannot be examined: " + e);
        }
        if (problem.isPresent()) {
            throw new UnavailableException("the helper named by -D" + PROPERTY + " (or LinuxOptions.helperPath) is not trusted: " + problem.get()
                    + "; it runs as root, so it and every directory above it must be owned by root (or this process's uid) and not writable by group or others");
        }
    }

    private static Path extract(byte[] binary, String sha, Path base, Path dir, long euid) throws IOException {
        privateDirectory(base, euid);
        privateDirectory(dir, euid);
        Path file = dir.resolve(FILE_NAME);
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            if (sha.equals(sha256(Files.readAllBytes(file))) && Files.isExecutable(file)) {
                return file;
            }
            Files.delete(file);
        }
        Path tmp = Files.createTempFile(dir, FILE_NAME, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            Files.write(tmp, binary);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        if (!sha.equals(sha256(Files.readAllBytes(file)))) {
            throw new IOException("the extracted helper " + file + " does not match its SHA-256 " + sha);
        }
        return file;
    }

    /** Makes {@code dir} if needed and insists it is ours, a real directory, and closed to others. */
    private static void privateDirectory(Path dir, long euid) throws IOException {
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException e) {
            // checked below
        }
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isDirectory()) {
            throw new IOException(dir + " exists and is not a directory");
        }
        Object uid = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (((Number) uid).longValue() != euid) {
            throw new IOException(dir + " belongs to uid " + uid + ", not to this process (uid " + euid + "); refusing to run a helper from it");
        }
        if (!a.permissions().equals(OWNER_ONLY)) {
            Files.setPosixFilePermissions(dir, OWNER_ONLY);
        }
    }

    /** Lowercase hex SHA-256. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /**
     * Runs {@code helper version} and returns its line, which must announce this build's plan and protocol
     * versions ({@link LaunchPlan#VERSION}, {@link Wire#VERSION}).
     *
     * @throws IOException naming what went wrong (cannot run, hangs, wrong versions)
     */
    public static String versionTrial(Path helper) throws IOException {
        Process p = new ProcessBuilder(helper.toString(), "version").redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("'" + helper + " version' did not finish within 10 s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                throw new IOException("'" + helper + " version' exited with " + p.exitValue() + ": " + out);
            }
            String[] f = out.split(" ");
            if (f.length < 6 || !f[0].equals("containerv-helper") || !f[2].equals("plan") || !f[4].equals("protocol")) {
                throw new IOException("'" + helper + " version' printed '" + out + "', not 'containerv-helper <version> plan "
                        + LaunchPlan.VERSION + " protocol " + Wire.VERSION + "'");
            }
            if (!f[3].equals(Integer.toString(LaunchPlan.VERSION)) || !f[5].equals(Integer.toString(Wire.VERSION))) {
                throw new IOException("the helper " + helper + " speaks plan " + f[3] + " and protocol " + f[5]
                        + ", this containerv-linux-ns needs plan " + LaunchPlan.VERSION + " and protocol " + Wire.VERSION);
            }
            return out;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running '" + helper + " version'", e);
        }
    }
}
