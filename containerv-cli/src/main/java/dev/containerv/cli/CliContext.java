package dev.containerv.cli;

import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerRuntimes;
import dev.containerv.api.RuntimeProbe;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the commands take from the world: the runtime, the terminal's streams, shutdown hooks, the host's
 * environment and working directory. {@link #system()} is the real one; tests build their own.
 *
 * @param runtimes   the runtime for a provider name, or the best available one for an empty name
 * @param probes     every installed provider, probed ({@code containerv runtimes})
 * @param in         the terminal's standard input
 * @param out        the terminal's standard output
 * @param err        the terminal's standard error
 * @param hooks      where {@code run} and {@code exec} register what Ctrl-C must do
 * @param hostEnv    the host's environment variables ({@code --env NAME} without a value reads them)
 * @param workingDir the directory relative host paths are resolved against
 * @param windowsHost whether host paths have the Windows form ({@code C:\dir}), which {@code cp} must not take
 *                    for a container endpoint
 */
record CliContext(Function<Optional<String>, ContainerRuntime> runtimes, Supplier<List<RuntimeProbe>> probes,
                  InputStream in, PrintStream out, PrintStream err,
                  ShutdownHooks hooks, Function<String, String> hostEnv, Path workingDir, boolean windowsHost) {
    CliContext {
        Objects.requireNonNull(runtimes, "runtimes");
        Objects.requireNonNull(probes, "probes");
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        Objects.requireNonNull(hooks, "hooks");
        Objects.requireNonNull(hostEnv, "hostEnv");
        Objects.requireNonNull(workingDir, "workingDir");
    }

    /** The process's own streams, {@link ContainerRuntimes} discovery and JVM shutdown hooks. */
    static CliContext system() {
        return new CliContext(name -> name.map(ContainerRuntimes::load).orElseGet(ContainerRuntimes::load), ContainerRuntimes::probeAll,
                System.in, System.out, System.err, ShutdownHooks.jvm(), System::getenv,
                Path.of("").toAbsolutePath(), System.getProperty("os.name", "").startsWith("Windows"));
    }
}
