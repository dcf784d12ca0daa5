package dev.containerv.linux.runtime;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerPaths;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.GuestOs;
import dev.containerv.api.ProcessSpec;
import dev.containerv.linux.control.ControlConnection;
import dev.containerv.linux.control.SocketOutputStream;
import dev.containerv.linux.control.Wire;
import dev.containerv.linux.helper.HelperFailure;
import dev.containerv.linux.plan.StandardSetup;
import dev.containerv.spi.LifecycleLog;
import dev.containerv.spi.StdioRedirects;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One spawn: the JVM-served redirects opened first through the SPI's {@link StdioRedirects} (like
 * {@code ProcessBuilder.start()}, a bad file fails before anything runs), one stream connection per stream that
 * needs a transport with a random token, the environment, one SPAWN frame on the container's control connection,
 * and the answer turned into the process or a worded exception.
 */
final class Spawner {
    private static final SecureRandom TOKENS = new SecureRandom();
    private static final Duration SPAWN_TIMEOUT = Duration.ofSeconds(60);
    private static final String OP = "linux::Container::spawn";
    private static final int STREAM_BUFFER = 65536;

    private final LinuxContainer container;
    private final ControlConnection control;

    Spawner(LinuxContainer container, ControlConnection control) {
        this.container = container;
        this.control = control;
    }

    LinuxContainerProcess spawn(ProcessSpec asked) {
        ProcessSpec ps = container.spec().processDefaults().applyTo(asked); // the container's defaults under its own values
        String id = container.id();
        String cwd = ps.workingDirectory().map(d -> ContainerPaths.check("process.workingDirectory", d, GuestOs.LINUX)).orElse("");
        String program = ps.command().get(0);
        long start = LifecycleLog.start();
        LinuxContainerProcess process = new LinuxContainerProcess(container, program, start);
        List<AutoCloseable> opened = new ArrayList<>();
        // Files first, like ProcessBuilder.start(): a bad redirect fails before anything runs.
        try (StdioRedirects stdio = StdioRedirects.open(ps, OP, id)) {
            // A stream the program does not need gets token 0: the init gives it the container's /dev/null.
            long inToken = 0;
            OutputStream stdin = null;
            if (stdio.needsStdinTransport()) {
                inToken = token();
                SocketChannel ch = control.openStream(0, inToken);
                opened.add(ch);
                stdin = new SocketOutputStream(ch);
            }
            long outToken = 0;
            InputStream stdout = null;
            if (stdio.needsStdoutTransport()) {
                outToken = token();
                stdout = outputTransport(1, outToken, opened);
            }
            long errToken = 0;
            InputStream stderr = null;
            if (ps.redirectErrorStream()) {
                errToken = outToken; // the init gives both fds the same socket: merged in the kernel, in order
            } else if (stdio.needsStderrTransport()) {
                errToken = token();
                stderr = outputTransport(2, errToken, opened);
            }
            process.connect(stdio.connect(stdin, stdout, stderr));
            int flags = (program.indexOf('/') < 0 ? Wire.SPAWN_SEARCH_PATH : 0) | (homeFromPasswd(ps) ? Wire.SPAWN_HOME_FROM_PASSWD : 0);
            long req = control.newRequestId();
            Wire.Spawn frame = new Wire.Spawn(req, flags, inToken, outToken, errToken, "", ps.command(),
                    environment(ps), cwd, ps.user().orElse(""), List.of());
            control.send(req, Wire.encode(frame), process);
            Wire.Message answer = process.spawnAnswer.get(SPAWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (answer instanceof Wire.Error e) {
                throw spawnError(e.failure(), ps, cwd);
            }
            if (!(answer instanceof Wire.Spawned)) {
                throw new ContainerException(ErrorKind.PLATFORM_FAILURE, "unexpected answer to SPAWN: " + answer);
            }
            stdio.endInputWith(process.onExit());
            LifecycleLog.spawned(id, ps.command(), process.containerPid(), start);
            return process;
        } catch (ContainerException e) {
            closeAll(opened, e);
            throw e;
        } catch (TimeoutException e) {
            closeAll(opened, e);
            throw ContainerException.builder(ErrorKind.TIMEOUT, "the container's init did not answer the spawn of " + ps.command()
                    + " within " + SPAWN_TIMEOUT.toSeconds() + " s").operation(OP).containerId(id).cause(e).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeAll(opened, e);
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "interrupted while spawning " + ps.command())
                    .operation(OP).containerId(id).cause(e).build();
        } catch (IOException | ExecutionException e) {
            closeAll(opened, e);
            throw container.gone(OP, "cannot spawn " + ps.command(), e instanceof ExecutionException ? e.getCause() : e);
        }
    }

    /** A stream connection for the program's fd 1 or 2, read through a buffer; recorded in {@code opened}. */
    private InputStream outputTransport(int fd, long token, List<AutoCloseable> opened) throws IOException {
        SocketChannel ch = control.openStream(fd, token);
        opened.add(ch);
        return new BufferedInputStream(Channels.newInputStream(ch), STREAM_BUFFER);
    }

    private ContainerException spawnError(HelperFailure f, ProcessSpec ps, String cwd) {
        String id = container.id();
        String program = f.path().isEmpty() ? ps.command().get(0) : f.path();
        String in = " in container " + id;
        return switch (f.step()) {
            case "exec" -> switch (f.errnoName()) {
                // A PATH search that found nothing names the program and the PATH (the helper's detail), not a directory.
                case "ENOENT" -> f.toException(OP, id, ErrorKind.NOT_FOUND, "program " + ps.command().get(0) + " not found" + in
                        + (f.detail().startsWith("searched") ? " in any directory of its PATH" : ""));
                case "EACCES", "EPERM" -> f.toException(OP, id, ErrorKind.PERMISSION_DENIED, "program " + program + " cannot be executed" + in);
                case "ENOEXEC" -> f.toException(OP, id, ErrorKind.INVALID_SPEC, "program " + program + " is not an executable for this machine" + in);
                default -> f.toException(OP, id, f.kind(), "cannot execute " + program + in);
            };
            case "chdir" -> f.toException(OP, id, "ENOTDIR".equals(f.errnoName()) ? ErrorKind.INVALID_SPEC : f.kind(),
                    "working directory " + (cwd.isEmpty() ? "/" : cwd) + " of " + ps.command().get(0)
                            + ("ENOENT".equals(f.errnoName()) ? " does not exist" : " cannot be entered") + in);
            case "user" -> "ENOENT".equals(f.errnoName())
                    ? f.toException(OP, id, ErrorKind.NOT_FOUND, "user '" + ps.user().orElse("") + "' is not in /etc/passwd of container " + id)
                    : f.toException(OP, id, f.kind(), "user '" + ps.user().orElse("") + "' cannot be resolved: /etc/passwd of container " + id
                            + ("EINVAL".equals(f.errnoName()) ? " is not a regular file" : " cannot be used"));
            case "group" -> f.toException(OP, id, "ENOENT".equals(f.errnoName()) ? ErrorKind.NOT_FOUND : f.kind(),
                    "the group of user '" + ps.user().orElse("") + "' is not in /etc/group of container " + id);
            case "shutdown" -> f.toException(OP, id, ErrorKind.NOT_FOUND, "container " + id + " is stopping; cannot start " + ps.command());
            default -> f.toException(OP, id, f.kind(), "cannot start " + ps.command() + in);
        };
    }

    /**
     * Whether the init sets {@code HOME} from the container's {@code /etc/passwd}: for a process with a user and the
     * default environment, unless the spec gives {@code HOME} itself. The init reads that file inside the container,
     * without blocking (a FIFO there is refused at once): the JVM never opens a file the container owns.
     */
    private static boolean homeFromPasswd(ProcessSpec ps) {
        return ps.defaultEnvironment() && ps.user().isPresent() && !ps.environment().containsKey("HOME");
    }

    private List<String> environment(ProcessSpec ps) {
        Map<String, String> env = new LinkedHashMap<>();
        if (ps.defaultEnvironment()) {
            env.put("PATH", StandardSetup.DEFAULT_PATH);
            if (ps.user().isEmpty()) {
                env.put("HOME", "/root");
            }
            env.put("TERM", "xterm");
        }
        env.putAll(ps.environment());
        List<String> out = new ArrayList<>(env.size());
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    private static long token() {
        long t;
        do {
            t = TOKENS.nextLong();
        } while (t == 0);
        return t;
    }

    private static void closeAll(List<AutoCloseable> resources, Throwable primary) {
        for (AutoCloseable c : resources) {
            try {
                c.close();
            } catch (Exception e) {
                primary.addSuppressed(e);
            }
        }
    }
}
