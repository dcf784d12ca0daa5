package dev.containerv.testkit.reference;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerPaths;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ContainerStats;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ExecResult;
import dev.containerv.api.GuestOs;
import dev.containerv.api.ProcessInfo;
import dev.containerv.api.ProcessSpec;
import dev.containerv.spi.DeadlineExec;
import dev.containerv.spi.StdioRedirects;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/** A container of {@link HostProcessRuntime}: a root directory and the host processes started in it. */
final class HostProcessContainer implements Container {
    private final HostProcessRuntime runtime;
    private final ContainerSpec spec;
    private final Path root;
    private final List<HostProcess> processes = new CopyOnWriteArrayList<>();
    private volatile boolean destroyed;

    HostProcessContainer(HostProcessRuntime runtime, ContainerSpec spec, Path root) {
        this.runtime = runtime;
        this.spec = spec;
        this.root = root;
    }

    @Override
    public String id() {
        return spec.id();
    }

    @Override
    public ContainerSpec spec() {
        return spec;
    }

    private ContainerException error(ErrorKind kind, String operation, String message) {
        return ContainerException.builder(kind, message).operation(HostProcessRuntime.OPERATION + "Container::" + operation)
                .containerId(id()).build();
    }

    private void requireRunning(String operation) {
        if (destroyed) {
            throw error(ErrorKind.NOT_FOUND, operation, "the container has been destroyed");
        }
    }

    /** The host path of a container path, which must be of the Linux form. */
    private Path hostPath(String field, String containerPath) {
        String checked = ContainerPaths.check(field, containerPath, GuestOs.LINUX);
        return checked.equals("/") ? root : root.resolve(checked.substring(1));
    }

    /**
     * The host path of a container path, refusing a symbolic link on the way, since the host would follow it out
     * of the container. The last component may be a link; the caller decides what to do with it.
     */
    private Path confinedPath(String operation, String field, String containerPath) {
        Path target = hostPath(field, containerPath);
        if (runtime.has(Flaw.FOLLOWS_SYMLINKS)) {
            return target;
        }
        for (Path p = target.getParent(); p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                throw error(ErrorKind.PERMISSION_DENIED, operation, containerPath + ": " + root.relativize(p)
                        + " is a symbolic link, which the host-process provider does not follow");
            }
        }
        return target;
    }

    @Override
    public ContainerProcess spawn(ProcessSpec asked) {
        requireRunning("spawn");
        ProcessSpec process = spec().processDefaults().applyTo(asked);
        if (runtime.has(Flaw.SPAWN_HANGS)) {
            hangUntilDestroyed();
        }
        List<String> command = new ArrayList<>(process.command());
        String program = command.get(0);
        Path hostProgram = resolveProgram(program);
        command.set(0, hostProgram.toString());
        if (runtime.has(Flaw.SPLITS_ARGUMENTS_ON_SPACES) && command.size() > 1) {
            List<String> split = new ArrayList<>(List.of(command.get(0)));
            split.addAll(Arrays.asList(String.join(" ", command.subList(1, command.size())).split(" +")));
            command = split;
        }
        Path cwd = root;
        if (process.workingDirectory().isPresent() && !runtime.has(Flaw.IGNORES_WORKING_DIRECTORY)) {
            String wd = process.workingDirectory().get();
            cwd = hostPath("process.workingDirectory", wd);
            if (!Files.isDirectory(cwd)) {
                throw error(ErrorKind.NOT_FOUND, "spawn", "the working directory " + wd + " does not exist (errno ENOENT)");
            }
        }
        if (process.user().isPresent()) {
            throw error(ErrorKind.NOT_SUPPORTED, "spawn", "running as user " + process.user().get() + " (no RUN_AS_USER)");
        }
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        if (process.defaultEnvironment() || runtime.has(Flaw.ALWAYS_ADDS_DEFAULT_ENVIRONMENT)) {
            env.putAll(defaultEnvironment());
        }
        if (!runtime.has(Flaw.DROPS_ENVIRONMENT)) {
            env.putAll(process.environment());
        }
        env.put("CV_ROOT", root.toString());
        ProcessSpec served = runtime.has(Flaw.DROPS_STDERR) ? process.toBuilder().redirectError(Redirect.DISCARD).build() : process;
        if (runtime.has(Flaw.CLOSES_INHERITED_STDIN) && served.stdin().type() == Redirect.Type.INHERIT) {
            served = served.toBuilder().redirectInput(Redirect.from(Redirect.DISCARD.file())).build();
        }
        // Every stream a pipe, as a real provider's sockets: the toolkit serves the spec's redirects over them.
        pb.redirectErrorStream(served.redirectErrorStream());
        try (StdioRedirects stdio = StdioRedirects.open(served, HostProcessRuntime.OPERATION + "Container::spawn", id())) {
            Process host = pb.start();
            StdioRedirects.ProcessStreams streams = stdio.connect(host.getOutputStream(), host.getInputStream(),
                    served.redirectErrorStream() ? null : host.getErrorStream());
            HostProcess p = new HostProcess(host, id(), program, streams, runtime.has(Flaw.LOSES_EXIT_CODES),
                    runtime.has(Flaw.DESTROY_THROWS_WHEN_GONE));
            stdio.endInputWith(p.onExit());
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "starting " + program + " failed: " + e.getMessage())
                    .operation(HostProcessRuntime.OPERATION + "Container::spawn").containerId(id()).cause(e).build();
        }
    }

    private void hangUntilDestroyed() {
        boolean interrupted = false;
        while (!destroyed) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        throw error(ErrorKind.NOT_FOUND, "spawn", "the container was destroyed while the spawn hung");
    }

    private Map<String, String> defaultEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        // Host processes look programs up on the host, so the container's PATH is given in host form.
        env.put("PATH", root.resolve("bin") + ":" + root.resolve("usr/bin"));
        env.put("HOME", "/root");
        env.put("TERM", "xterm");
        return env;
    }

    private Path resolveProgram(String program) {
        List<Path> candidates = new ArrayList<>();
        if (program.contains("/")) {
            candidates.add(hostPath("process.command[0]", program));
        } else {
            candidates.add(root.resolve("bin").resolve(program));
            candidates.add(root.resolve("usr/bin").resolve(program));
        }
        for (Path c : candidates) {
            if (Files.isRegularFile(c) && Files.isExecutable(c)) {
                return c;
            }
        }
        throw error(ErrorKind.NOT_FOUND, "spawn", "program " + program + " not found in the container (errno ENOENT)");
    }

    @Override
    public ExecResult exec(ProcessSpec process) {
        return exec(process, null);
    }

    @Override
    public ExecResult exec(ProcessSpec process, Duration timeout) {
        return DeadlineExec.run(this::spawn, process, timeout, HostProcessRuntime.OPERATION + "Container::exec", id());
    }

    @Override
    public void upload(Path host, String containerPath) {
        requireRunning("upload");
        Path target = confinedPath("upload", "containerPath", containerPath);
        if (!Files.exists(host, LinkOption.NOFOLLOW_LINKS)) {
            throw error(ErrorKind.NOT_FOUND, "upload", "the host path " + host + " does not exist (errno ENOENT)");
        }
        if (!Files.isDirectory(target.getParent(), LinkOption.NOFOLLOW_LINKS) && !runtime.has(Flaw.FOLLOWS_SYMLINKS)) {
            throw error(ErrorKind.NOT_FOUND, "upload", "the parent of " + containerPath + " is not a directory in the container (errno ENOENT)");
        }
        try {
            if (runtime.has(Flaw.FOLLOWS_SYMLINKS) && !Files.isDirectory(host)) {
                // The naive copy: open the target by name, following whatever link is there.
                try (InputStream in = Files.newInputStream(host); OutputStream out = Files.newOutputStream(target)) {
                    in.transferTo(out);
                }
                return;
            }
            if (runtime.has(Flaw.COPIES_ONTO_THE_DESTINATION)) {
                Trees.delete(target);
                Trees.copy(host, target, !runtime.has(Flaw.IGNORES_UPLOAD_MODE));
                return;
            }
            Trees.copyByTheRule(host, target, endsWithSeparator(containerPath), !runtime.has(Flaw.IGNORES_UPLOAD_MODE));
        } catch (Trees.Refused e) {
            throw error(e.missing ? ErrorKind.NOT_FOUND : ErrorKind.INVALID_SPEC, "upload", "cannot copy " + host + " to " + containerPath + ": " + e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "copying " + host + " to " + containerPath + " failed: " + e)
                    .operation(HostProcessRuntime.OPERATION + "Container::upload").containerId(id()).cause(e).build();
        }
    }

    private static boolean endsWithSeparator(String containerPath) {
        return containerPath.length() > 1 && containerPath.endsWith("/");
    }

    @Override
    public void download(String containerPath, Path host) {
        requireRunning("download");
        Path source = confinedPath("download", "containerPath", containerPath);
        if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
            throw error(ErrorKind.NOT_FOUND, "download", containerPath + " does not exist in the container (errno ENOENT)");
        }
        try {
            if (runtime.has(Flaw.FOLLOWS_SYMLINKS) && !Files.isDirectory(source)) {
                Trees.delete(host);
                Files.copy(source, host);
                return;
            }
            if (runtime.has(Flaw.COPIES_ONTO_THE_DESTINATION)) {
                Trees.delete(host);
                Trees.copy(source, host, true);
                return;
            }
            Trees.copyByTheRule(source, host, false, true);
        } catch (Trees.Refused e) {
            throw error(e.missing ? ErrorKind.NOT_FOUND : ErrorKind.INVALID_SPEC, "download", "cannot copy " + containerPath + " to " + host + ": " + e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "copying " + containerPath + " to " + host + " failed: " + e)
                    .operation(HostProcessRuntime.OPERATION + "Container::download").containerId(id()).cause(e).build();
        }
    }

    private Stream<ProcessHandle> live() {
        return processes.stream().map(HostProcess::toHandle).filter(ProcessHandle::isAlive)
                .flatMap(h -> Stream.concat(Stream.of(h), h.descendants())).distinct();
    }

    @Override
    public ContainerStats stats() {
        requireRunning("stats");
        if (runtime.has(Flaw.STATS_NEVER_MOVE)) {
            return new ContainerStats(Instant.now(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, processes.size());
        }
        List<ProcessHandle> live = live().toList();
        long cpu = live.stream().mapToLong(HostProcessContainer::cpuNanosWithReapedChildren).sum();
        long memory = live.stream().mapToLong(HostProcessContainer::residentBytes).sum();
        return new ContainerStats(Instant.now(), memory, memory, cpu, 0, 0, 0, 0, 0, 0, 0, 0, 0, live.size(), processes.size());
    }

    /**
     * utime + stime + cutime + cstime from /proc: a shell's work is mostly done by the children it has
     * reaped, which {@link ProcessHandle.Info#totalCpuDuration()} leaves out. 0 once the process is gone.
     */
    private static long cpuNanosWithReapedChildren(ProcessHandle h) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            // Fields after the command name, which may itself hold spaces and parentheses; utime is field 14.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
            return ticks * 1_000_000_000L / ClockTicks.PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The kernel's clock tick rate, asked of the host once. */
    private static final class ClockTicks {
        static final long PER_SECOND = ask();

        private static long ask() {
            try {
                Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                p.waitFor(10, TimeUnit.SECONDS);
                return Long.parseLong(out);
            } catch (IOException | NumberFormatException e) {
                throw new IllegalStateException("cannot learn the clock tick rate from getconf CLK_TCK", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while asking getconf CLK_TCK", e);
            }
        }
    }

    /** VmRSS from /proc, in bytes; 0 once the process is gone. */
    private static long residentBytes(ProcessHandle h) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(h.pid()), "status"))) {
            return lines.filter(l -> l.startsWith("VmRSS:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).orElse(0L);
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    @Override
    public List<ProcessInfo> processes() {
        requireRunning("processes");
        return live().map(h -> new ProcessInfo(h.pid(), h.pid(), h.info().command().map(c -> Path.of(c).getFileName().toString()).orElse("?"),
                residentBytes(h), h.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))).toList();
    }

    @Override
    public boolean isRunning() {
        return !destroyed;
    }

    @Override
    public synchronized void destroy() {
        if (destroyed) {
            if (runtime.has(Flaw.DESTROY_NOT_IDEMPOTENT)) {
                throw error(ErrorKind.NOT_FOUND, "destroy", "the container has been destroyed already");
            }
            return;
        }
        destroyed = true;
        runtime.forget(id());
        if (!runtime.has(Flaw.KEEPS_PROCESSES_AFTER_DESTROY)) {
            List<ProcessHandle> all = live().toList();
            all.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle h : all) {
                try {
                    h.onExit().get(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (ExecutionException | TimeoutException e) {
                    throw ContainerException.builder(ErrorKind.TIMEOUT, "process " + h.pid() + " did not end")
                            .operation(HostProcessRuntime.OPERATION + "Container::destroy").containerId(id()).cause(e).build();
                }
            }
        }
        if (!runtime.has(Flaw.LEAVES_ROOT_BEHIND) && !runtime.has(Flaw.SHARES_ONE_ROOT)) {
            Trees.delete(root);
        }
    }

    /** TERM to every process, KILL to what is left after {@code grace}, then {@link #destroy()}. */
    @Override
    public void destroyWithGrace(Duration grace) {
        if (grace == null || grace.isNegative()) {
            throw ContainerException.invalidSpec("grace", String.valueOf(grace), "a duration of zero or more");
        }
        if (!destroyed && !grace.isZero()) {
            List<ProcessHandle> all = live().toList();
            all.forEach(ProcessHandle::destroy);
            long deadline = System.nanoTime() + grace.toNanos();
            for (ProcessHandle h : all) {
                try {
                    h.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (ExecutionException | TimeoutException e) {
                    break; // KILL follows in destroy()
                }
            }
        }
        destroy();
    }

    @Override
    public void close() {
        destroy();
    }
}
