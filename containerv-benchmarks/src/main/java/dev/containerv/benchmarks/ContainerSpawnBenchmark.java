package dev.containerv.benchmarks;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerRuntimes;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ProcessSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Spawn and wait of {@code /bin/true} in a running container: what a build tool pays per process once its
 * container exists. One container (busybox root file system) per trial, created in the setup, so the figure is
 * the spawn alone. Needs root and the {@code linux-ns} provider.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class ContainerSpawnBenchmark {
    /** The running container and the two process specs. */
    @State(Scope.Benchmark)
    public static class RunningContainer {
        Path rootfs;
        Container container;
        ProcessSpec withPipes;
        ProcessSpec withoutStreams;

        @Setup(Level.Trial)
        public void create() throws IOException, InterruptedException {
            rootfs = BusyboxRootfs.create(Files.createTempDirectory("containerv-bench-rootfs-"));
            try {
                ContainerRuntime runtime = ContainerRuntimes.load(Runtimes.name());
                container = runtime.create(ContainerSpec.builder().rootfs(rootfs).build());
            } catch (RuntimeException e) {
                BusyboxRootfs.delete(rootfs);
                throw e;
            }
            withPipes = ProcessSpec.of("/bin/true");
            withoutStreams = ProcessSpec.builder("/bin/true")
                    .redirectInput(Redirect.from(new File("/dev/null")))
                    .redirectOutput(Redirect.DISCARD)
                    .redirectError(Redirect.DISCARD)
                    .build();
        }

        @TearDown(Level.Trial)
        public void destroy() throws IOException {
            try {
                if (container != null) {
                    container.close();
                }
            } finally {
                BusyboxRootfs.delete(rootfs);
            }
        }
    }

    /** The same as the ProcessBuilder baseline: three pipes, wait, close. */
    @Benchmark
    public int spawnTrue(RunningContainer s) throws IOException, InterruptedException {
        ContainerProcess p = s.container.spawn(s.withPipes);
        int code = p.waitFor();
        Processes.closeStreams(p);
        return Processes.check(code, "/bin/true in the container");
    }

    /** Without streams (stdin /dev/null, output discarded): the spawn request and the exit message alone. */
    @Benchmark
    public int spawnTrueWithoutStreams(RunningContainer s) throws IOException, InterruptedException {
        ContainerProcess p = s.container.spawn(s.withoutStreams);
        int code = p.waitFor();
        Processes.closeStreams(p);
        return Processes.check(code, "/bin/true in the container");
    }
}
