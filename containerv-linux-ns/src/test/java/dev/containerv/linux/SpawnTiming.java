package dev.containerv.linux;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ProcessSpec;
import dev.containerv.api.ResourceLimits;

import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Timing harness, run by hand as root (not a test):
 * <pre>
 * mvn -B -q -pl containerv-linux-ns test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * cd containerv-linux-ns &amp;&amp; java -cp "target/classes:target/test-classes:$(cat /tmp/cp.txt)" dev.containerv.linux.SpawnTiming 300
 * </pre>
 * Prints medians of spawn+wait of
 * /bin/true in a running container, ProcessBuilder("/bin/true") on the host in the same run, and create+destroy
 * without and with a memory limit, and with a {@code NetworkSpec} (interleaved).
 */
public final class SpawnTiming {
    private SpawnTiming() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        Path dir = Files.createTempDirectory("cv-timing");
        try {
            Path root = BusyboxRootfs.create(dir.resolve("root"));
            ContainerRuntime rt = new LinuxNamespacesProvider().createRuntime();
            ProcessSpec trueSpec = ProcessSpec.builder("/bin/true").redirectInput(Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(Redirect.DISCARD).redirectError(Redirect.DISCARD).build();
            ProcessSpec truePiped = ProcessSpec.of("/bin/true");
            try (Container c = rt.create(ContainerSpec.builder().id("timing-" + ProcessHandle.current().pid()).rootfs(root).build())) {
                for (int i = 0; i < 50; i++) {
                    c.spawn(trueSpec).waitFor();
                    new ProcessBuilder("/bin/true").start().waitFor();
                }
                long[] spawn = new long[rounds];
                long[] piped = new long[rounds];
                long[] host = new long[rounds];
                for (int i = 0; i < rounds; i++) {
                    long t0 = System.nanoTime();
                    c.spawn(trueSpec).waitFor();
                    long t1 = System.nanoTime();
                    Process p = c.spawn(truePiped);
                    p.waitFor();
                    p.getInputStream().close();
                    p.getErrorStream().close();
                    p.getOutputStream().close();
                    long t2 = System.nanoTime();
                    Process h = new ProcessBuilder("/bin/true").start();
                    h.waitFor();
                    h.getInputStream().close();
                    h.getErrorStream().close();
                    h.getOutputStream().close();
                    long t3 = System.nanoTime();
                    spawn[i] = t1 - t0;
                    piped[i] = t2 - t1;
                    host[i] = t3 - t2;
                }
                System.out.printf("spawn+wait /bin/true in container, no pipes:   median %.2f ms%n", median(spawn));
                System.out.printf("spawn+wait /bin/true in container, 3 pipes:    median %.2f ms%n", median(piped));
                System.out.printf("ProcessBuilder(/bin/true) on the host (pipes): median %.2f ms%n", median(host));
            }
            int cycles = Math.max(20, rounds / 10);
            long[] cycle = new long[cycles];
            long[] limited = new long[cycles];
            long[] networked = new long[cycles];
            long[] netnsOnly = new long[cycles];
            dev.containerv.api.NetworkSpec net = dev.containerv.api.NetworkSpec.builder().containerAddress("10.215.9.2/24")
                    .hostAddress("10.215.9.1").gateway("10.215.9.1").dns("10.215.9.1").build();
            ResourceLimits memory = ResourceLimits.builder().memoryMax("256M").build();
            // Interleaved, so both see the same machine load.
            for (int i = 0; i < cycles + 5; i++) {
                long t0 = System.nanoTime();
                try (Container c = rt.create(ContainerSpec.builder().id("cycle-" + ProcessHandle.current().pid() + "-" + i).rootfs(root).build())) {
                    c.id();
                }
                long t1 = System.nanoTime();
                try (Container c = rt.create(ContainerSpec.builder().id("cyclim-" + ProcessHandle.current().pid() + "-" + i).rootfs(root)
                        .limits(memory).build())) {
                    c.id();
                }
                long t2 = System.nanoTime();
                try (Container c = rt.create(ContainerSpec.builder().id("cycnet-" + ProcessHandle.current().pid() + "-" + i).rootfs(root)
                        .capabilities(dev.containerv.api.Capability.FILESYSTEM, dev.containerv.api.Capability.PROCESS_CONTROL,
                                dev.containerv.api.Capability.NETWORK).network(net).build())) {
                    c.id();
                }
                long t3 = System.nanoTime();
                try (Container c = rt.create(ContainerSpec.builder().id("cycns-" + ProcessHandle.current().pid() + "-" + i).rootfs(root)
                        .capabilities(dev.containerv.api.Capability.FILESYSTEM, dev.containerv.api.Capability.PROCESS_CONTROL,
                                dev.containerv.api.Capability.NETWORK).build())) {
                    c.id();
                }
                long t4 = System.nanoTime();
                if (i >= 5) {
                    netnsOnly[i - 5] = t4 - t3;
                    cycle[i - 5] = t1 - t0;
                    limited[i - 5] = t2 - t1;
                    networked[i - 5] = t3 - t2;
                }
            }
            System.out.printf("create+destroy (busybox rootfs):              median %.2f ms over %d%n", median(cycle), cycles);
            System.out.printf("create+destroy with a 256M memory limit:      median %.2f ms over %d (%.2fx)%n", median(limited), cycles,
                    median(limited) / median(cycle));
            System.out.printf("create+destroy with a NetworkSpec (veth):     median %.2f ms over %d (%.2fx)%n", median(networked), cycles,
                    median(networked) / median(cycle));
            System.out.printf("create+destroy with NETWORK, no NetworkSpec:  median %.2f ms over %d (%.2fx)%n", median(netnsOnly), cycles,
                    median(netnsOnly) / median(cycle));
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static double median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2] / 1e6;
    }
}
