package dev.containerv.cli;

import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.RuntimeProbe;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** Runs the command line in-process against a {@link FakeRuntime}, with captured streams and recorded hooks. */
final class CliHarness {
    final FakeRuntime runtime = new FakeRuntime();
    final Map<String, String> hostEnv = new HashMap<>();
    final List<Hook> hooks = new CopyOnWriteArrayList<>();
    final List<Optional<String>> runtimeRequests = new CopyOnWriteArrayList<>();
    List<RuntimeProbe> probes = new ArrayList<>();
    Function<Optional<String>, ContainerRuntime> runtimes = name -> runtime;
    InputStream stdin = new ByteArrayInputStream(new byte[0]);
    Path workingDir = Path.of("/work/dir");
    boolean windowsHost;

    /** A registered shutdown hook. */
    static final class Hook {
        final String name;
        final Runnable action;
        volatile boolean cancelled;

        Hook(String name, Runnable action) {
            this.name = name;
            this.action = action;
        }
    }

    /** What one command line did. */
    record Result(int code, String out, String err) {
    }

    CliHarness stdin(String text) {
        stdin = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    CliContext context(PrintStream out, PrintStream err) {
        ShutdownHooks recording = (name, action) -> {
            Hook h = new Hook(name, action);
            hooks.add(h);
            return () -> h.cancelled = true;
        };
        return new CliContext(name -> {
            runtimeRequests.add(name);
            return runtimes.apply(name);
        }, () -> probes, stdin, out, err, recording, hostEnv::get, workingDir, windowsHost);
    }

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Cli.execute(context(o, e), args);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * The command in this JVM with the real runtimes and hooks ({@link CliContext#system()}), no input, streams
     * captured: what the privileged tests run.
     *
     * @param hostEnv the environment the command sees
     */
    static Result system(Function<String, String> hostEnv, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliContext system = CliContext.system();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Cli.execute(new CliContext(system.runtimes(), system.probes(), new ByteArrayInputStream(new byte[0]), o, e,
                    system.hooks(), hostEnv, system.workingDir(), system.windowsHost()), args);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
