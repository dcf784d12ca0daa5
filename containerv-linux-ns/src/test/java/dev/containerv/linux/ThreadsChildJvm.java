package dev.containerv.linux;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ProcessSpec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The JVM of {@link LibraryThreadsPrivilegedTest}, fresh so that no other test's threads count: {@code <id> <rootfs>}
 * runs a create/exec/spawn/copy/destroy twice. After the first round it prints {@code before-interrupt [names]} of the
 * containerv threads alive, interrupts them and prints {@code after-interrupt [names]} of those still alive 2 s later; after the second it waits
 * {@code idle} and prints {@code after-idle [names]}.
 */
public final class ThreadsChildJvm {
    private ThreadsChildJvm() {
    }

    public static void main(String[] args) throws Exception {
        ContainerRuntime rt = new LinuxNamespacesProvider().createRuntime();
        round(rt, args[0] + "-a", Path.of(args[1]));
        System.out.println("before-interrupt " + names(containervThreads()));
        for (Thread t : containervThreads()) {
            t.interrupt();
        }
        for (Thread t : containervThreads()) {
            t.join(2000);
        }
        System.out.println("after-interrupt " + names(containervThreads()));
        round(rt, args[0] + "-b", Path.of(args[1]));
        Thread.sleep(Duration.parse(args[2]).toMillis());
        System.out.println("after-idle " + names(containervThreads()));
        System.out.flush();
    }

    private static void round(ContainerRuntime rt, String id, Path rootfs) throws Exception {
        try (Container c = rt.create(ContainerSpec.builder().id(id).rootfs(rootfs).build())) {
            c.exec(ProcessSpec.of("/bin/echo", "hello"), Duration.ofSeconds(30));
            ContainerProcess p = c.spawn(ProcessSpec.builder("/bin/sh", "-c", "echo out; echo err >&2").redirectErrorStream(true).build());
            new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            ContainerProcess inherit = c.spawn(ProcessSpec.builder("/bin/true").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).build());
            inherit.waitFor();
            c.download("/etc/marker", Path.of(System.getProperty("java.io.tmpdir"), id + "-marker"));
            java.nio.file.Files.deleteIfExists(Path.of(System.getProperty("java.io.tmpdir"), id + "-marker"));
        }
    }

    private static List<Thread> containervThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("containerv") && t.isAlive())
                .collect(Collectors.toList());
    }

    private static List<String> names(List<Thread> threads) {
        return threads.stream().map(Thread::getName).sorted().collect(Collectors.toList());
    }
}
