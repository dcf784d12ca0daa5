package dev.containerv.testkit;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Java main class in a new JVM as a {@link ThrowawayUser}: {@code setpriv} (util-linux) sets the real,
 * effective and saved uid and gid and the user's groups, so the JVM has no capability and no root id at all. The
 * environment is a login's: HOME, USER, LOGNAME, PATH, plus the variables named by the caller; nothing of root's.
 */
public final class UnprivilegedJvm {
    /** What the child did: its exit code and its merged standard output and error. */
    public record Result(int exitCode, String output) {
    }

    private UnprivilegedJvm() {
    }

    /** The setpriv binary, if this host has one. */
    public static Path setpriv() {
        for (String p : List.of("/usr/bin/setpriv", "/bin/setpriv")) {
            if (new File(p).canExecute()) {
                return Path.of(p);
            }
        }
        return null;
    }

    /** The command line: setpriv to the user, then java with {@code classpath} running {@code mainClass args}. */
    public static List<String> command(ThrowawayUser user, List<Path> classpath, String mainClass, List<String> jvmOptions, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(setpriv().toString(), "--reuid=" + user.uid(), "--regid=" + user.gid(), "--init-groups", "--"));
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        // No /tmp/hsperfdata_<user> that would outlive the user.
        cmd.add("-XX:-UsePerfData");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, classpath.stream().map(Path::toString).toList()));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Runs the command in {@code workDir} with a login-like environment plus {@code passThrough} variables of this
     * JVM (when set) and {@code extraEnv}; echoes the child's output here as it comes, and kills the child and
     * everything it started after {@code timeout}.
     */
    public static Result run(List<String> command, Path workDir, ThrowawayUser user, List<String> passThrough, Map<String, String> extraEnv,
            Duration timeout) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("HOME", user.home().toString());
        env.put("USER", user.name());
        env.put("LOGNAME", user.name());
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin");
        env.put("LANG", "C.UTF-8");
        for (String name : passThrough) {
            String v = System.getenv(name);
            if (v != null) {
                env.put(name, v);
            }
        }
        env.putAll(extraEnv);
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread pump = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (InputStream in = p.getInputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (out) {
                        out.write(buf, 0, n);
                    }
                    System.out.write(buf, 0, n);
                    System.out.flush();
                }
            } catch (IOException e) {
                // the child is gone
            }
        }, "rootless-child-output");
        pump.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            pump.join(10_000);
            synchronized (out) {
                return new Result(-1, out.toString(StandardCharsets.UTF_8) + "\n[killed after " + timeout + "]");
            }
        }
        pump.join(30_000);
        synchronized (out) {
            return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
        }
    }
}
