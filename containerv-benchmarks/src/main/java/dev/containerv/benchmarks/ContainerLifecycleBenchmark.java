package dev.containerv.benchmarks;

import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerRuntimes;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.IdMapping;
import dev.containerv.api.NetworkSpec;
import dev.containerv.api.ProcessSpec;
import dev.containerv.api.ResourceLimits;
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
 * A container's whole life on a busybox root file system: create and destroy, and create, run {@code /bin/true},
 * destroy (what {@code crun run} does). The rootfs is built once per trial and removed after it. Needs root and
 * the {@code linux-ns} provider.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class ContainerLifecycleBenchmark {
    /** The runtime and the rootfs. */
    @State(Scope.Benchmark)
    public static class Rootfs {
        Path rootfs;
        ContainerRuntime runtime;
        ProcessSpec trueWithoutStreams;

        @Setup(Level.Trial)
        public void build() throws IOException, InterruptedException {
            rootfs = BusyboxRootfs.create(Files.createTempDirectory("containerv-bench-rootfs-"));
            try {
                runtime = ContainerRuntimes.load(Runtimes.name());
            } catch (RuntimeException e) {
                BusyboxRootfs.delete(rootfs);
                throw e;
            }
            trueWithoutStreams = ProcessSpec.builder("/bin/true")
                    .redirectInput(Redirect.from(new File("/dev/null")))
                    .redirectOutput(Redirect.DISCARD)
                    .redirectError(Redirect.DISCARD)
                    .build();
        }

        @TearDown(Level.Trial)
        public void remove() throws IOException {
            BusyboxRootfs.delete(rootfs);
        }

        /** A new spec per container: each gets a fresh generated id, as real callers' containers do. */
        ContainerSpec spec() {
            return ContainerSpec.builder().rootfs(rootfs).build();
        }

        /** The same with a read-only root and no writable layer: the like of bwrap's {@code --ro-bind rootfs /}. */
        ContainerSpec readOnlyRootSpec() {
            return ContainerSpec.builder().rootfs(rootfs).readOnlyRoot(true).build();
        }

        /** The same with a user namespace: uid and gid 0 -> 100000 (65536 ids), the rootfs seen through an idmapped mount. */
        ContainerSpec usersSpec() {
            java.util.EnumSet<Capability> caps = java.util.EnumSet.copyOf(spec().capabilities());
            caps.add(Capability.USERS);
            IdMapping map = new IdMapping(0, 100000, 65536);
            return ContainerSpec.builder().rootfs(rootfs).capabilities(caps).uidMappings(map).gidMappings(map).build();
        }

        /** The same with a memory limit, which the provider writes into the container's cgroup. */
        ContainerSpec limitedSpec() {
            return ContainerSpec.builder().rootfs(rootfs).limits(ResourceLimits.builder().memoryMax("256M").build()).build();
        }

        /** The same with its own network: a veth pair in 10.215.9.0/24 (one container at a time, so one subnet). */
        ContainerSpec networkSpec() {
            return ContainerSpec.builder().rootfs(rootfs)
                    .capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.NETWORK)
                    .network(NetworkSpec.builder().containerAddress("10.215.9.2/24").hostAddress("10.215.9.1").gateway("10.215.9.1")
                            .dns("10.215.9.1").build())
                    .build();
        }
    }

    /** What a user namespace adds to the cycle: the maps, the idmapped rootfs (issue 14 asks for at most 1.5x). */
    @Benchmark
    public String createDestroyWithUsers(Rootfs s) {
        try (Container c = s.runtime.create(s.usersSpec())) {
            return c.id();
        }
    }

    @Benchmark
    public String createDestroy(Rootfs s) {
        try (Container c = s.runtime.create(s.spec())) {
            return c.id();
        }
    }

    /**
     * {@link #createDestroy} with a read-only root: no writable layer to make, mount and remove (the like-for-like
     * comparison with bwrap's {@code --ro-bind rootfs /}, which has none either).
     */
    @Benchmark
    public String createDestroyReadOnlyRoot(Rootfs s) {
        try (Container c = s.runtime.create(s.readOnlyRootSpec())) {
            return c.id();
        }
    }

    /** What a NetworkSpec adds to the cycle: the veth pair, its addresses, route and files (issue 14 asks for at most 1.5x). */
    @Benchmark
    public String createDestroyWithNetwork(Rootfs s) {
        try (Container c = s.runtime.create(s.networkSpec())) {
            return c.id();
        }
    }

    /** What a memory limit adds to the cycle: the cgroup's limit files (issue 13 asks for at most 1.3x). */
    @Benchmark
    public String createDestroyWithMemoryLimit(Rootfs s) {
        try (Container c = s.runtime.create(s.limitedSpec())) {
            return c.id();
        }
    }

    @Benchmark
    public int createRunTrueDestroy(Rootfs s) throws IOException, InterruptedException {
        try (Container c = s.runtime.create(s.spec())) {
            Process p = c.spawn(s.trueWithoutStreams);
            int code = p.waitFor();
            Processes.closeStreams(p);
            return Processes.check(code, "/bin/true in a new container");
        }
    }
}
