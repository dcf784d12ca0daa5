package dev.containerv.linux;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ExecResult;
import dev.containerv.api.ProcessSpec;

import java.io.File;
import java.io.FileDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The other JVM of the lifecycle tests: {@code create <id> <rootfs>} makes a container, prints
 * {@code created <id> <init-pid>} and waits to be killed; {@code open <id>} joins one and prints what
 * {@code hostname} says in it; {@code inherit-stdin <id> <rootfs>} lets a container program read this JVM's
 * standard input and then reports whether that input is still open; {@code fresh-roots <id> <rootfs> <stateRoot>
 * <layerRoot>} creates, lists and destroys a container with roots it makes itself; {@code try-create <id> <rootfs>}
 * creates and destroys one, printing {@code created <id>} or {@code failed <kind> <message>}.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    public static void main(String[] args) throws Exception {
        ContainerRuntime rt = new LinuxNamespacesProvider().createRuntime();
        switch (args[0]) {
            case "create" -> {
                Container c = rt.create(ContainerSpec.builder().id(args[1]).rootfs(Path.of(args[2]))
                        .extension(LinuxOptions.builder().stopGrace(Duration.ofSeconds(1)).build()).build());
                c.spawn(ProcessSpec.of("/bin/sleep", "1000"));
                System.out.println("created " + c.id());
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE);
            }
            case "create-net" -> {
                // args: id rootfs container-cidr host-address
                Container c = rt.create(ContainerSpec.builder().id(args[1]).rootfs(Path.of(args[2]))
                        .capabilities(dev.containerv.api.Capability.FILESYSTEM, dev.containerv.api.Capability.PROCESS_CONTROL,
                                dev.containerv.api.Capability.NETWORK)
                        .network(dev.containerv.api.NetworkSpec.builder().containerAddress(args[3]).hostAddress(args[4]).build())
                        .extension(LinuxOptions.builder().stopGrace(Duration.ofSeconds(1)).build()).build());
                c.spawn(ProcessSpec.of("/bin/sleep", "1000"));
                System.out.println("created " + c.id());
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE);
            }
            case "open" -> {
                try (Container c = rt.open(args[1])) {
                    ExecResult r = c.exec(ProcessSpec.of("/bin/hostname"));
                    System.out.println("opened " + c.id() + " hostname " + r.stdout().trim() + " exit " + r.exitCode());
                    // close() of an opened container destroys it, which the test checks from the first JVM.
                }
            }
            case "inherit-stdin" -> {
                try (Container c = rt.create(ContainerSpec.builder().id(args[1]).rootfs(Path.of(args[2])).build())) {
                    ContainerProcess p = c.spawn(ProcessSpec.builder("/bin/wc", "-c").redirectInput(ProcessBuilder.Redirect.INHERIT).build());
                    String counted = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                    int exit = p.waitFor();
                    // The container read this JVM's stdin to its end; the JVM's stdin must still be open.
                    System.out.println("counted " + counted + " exit " + exit + " stdin valid " + FileDescriptor.in.valid()
                            + " read " + System.in.read());
                }
            }
            case "fresh-roots" -> {
                // create, list and destroy with roots this JVM makes itself (under whatever umask it was started with)
                ContainerRuntime fresh = new LinuxNamespacesProvider().createRuntime(LinuxOptions.builder()
                        .stateRoot(Path.of(args[3])).layerRoot(Path.of(args[4])).build());
                try (Container c = fresh.create(ContainerSpec.builder().id(args[1]).rootfs(Path.of(args[2])).build())) {
                    ExecResult r = c.exec(ProcessSpec.of("/bin/true"));
                    System.out.println("exit " + r.exitCode() + " listed " + fresh.list());
                }
                System.out.println("after " + fresh.list());
            }
            case "try-create" -> {
                // args: id rootfs; prints "created" (and destroys it) or "failed <kind> <message>", one line
                try (Container c = rt.create(ContainerSpec.builder().id(args[1]).rootfs(Path.of(args[2])).build())) {
                    System.out.println("created " + c.id());
                } catch (dev.containerv.api.ContainerException e) {
                    System.out.println("failed " + e.kind() + " " + e.getMessage().replace('\n', ' '));
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /** Starts this class in a new JVM with the test class path. */
    static Process start(String... args) throws java.io.IOException {
        return new ProcessBuilder(command(args)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** The command line that runs this class in a new JVM with the test class path. */
    static List<String> command(String... args) {
        Set<String> cp = new LinkedHashSet<>();
        cp.add(Path.of("target/test-classes").toAbsolutePath().toString());
        cp.add(Path.of("target/classes").toAbsolutePath().toString());
        for (String prop : List.of("jdk.module.path", "java.class.path")) {
            String v = System.getProperty(prop);
            if (v != null && !v.isBlank()) {
                cp.addAll(List.of(v.split(File.pathSeparator)));
            }
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, cp));
        cmd.add(ChildJvm.class.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }
}
