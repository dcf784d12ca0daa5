package dev.containerv.linux;

import dev.containerv.api.Access;
import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ExecResult;
import dev.containerv.api.IdMapping;
import dev.containerv.api.Layer;
import dev.containerv.api.PolicyProfile;
import dev.containerv.api.ProcessSpec;
import dev.containerv.api.SecurityPolicy;
import dev.containerv.api.Signal;
import dev.containerv.linux.security.CapabilitySet;
import dev.containerv.spi.FileTrees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.containerv.linux.PrivilegedBed.PROBE;
import static dev.containerv.linux.PrivilegedBed.PROBE_DIR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The escapes of issue 12, tried from inside real containers (root, a busybox rootfs) with the static escape
 * probe built from {@code src/test/c/escape_probe.c}, bound read-only at {@code /probe}. The probe prints one
 * {@code <check> <subject> allowed|blocked|absent [ERRNO]} line per attempt; "allowed" means an escape worked.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EscapePrivilegedTest {
    @RegisterExtension
    static final PrivilegedBed BED = PrivilegedBed.asRootOrRootless("cv-escape-test");
    private static Path roData;
    private static Path rwData;
    private static Container box;
    private static boolean rootless;

    /** With a user namespace (uid and gid 0 -> 100000, 65536 ids): {@link EscapeUserNamespacePrivilegedTest}. */
    private static boolean userNamespace;

    @BeforeAll
    static void setUp() throws Exception {
        setUpWith(false);
    }

    static void setUpWith(boolean users) throws Exception {
        // This JUnit runs the superclass's set-up as well as the subclass's that hides it (USERS variant): the
        // second call first removes the container the first made (the bed's work directory is the class's).
        tearDown();
        userNamespace = users;
        rootless = BED.rootless();
        PrivilegedBed.requireEscapeProbe();
        // A setuid-root copy of the probe inside the image: a non-root user running it must stay non-root.
        Path suid = BED.rootfs().resolve("bin/suid-probe");
        Files.copy(PROBE_DIR.resolve("escape-probe"), suid, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(suid, PosixFilePermissions.fromString("rwxr-xr-x"));
        new ProcessBuilder("chmod", "4755", suid.toString()).inheritIO().start().waitFor();
        roData = Files.createDirectories(BED.work().resolve("ro"));
        Files.writeString(roData.resolve("f"), "read-only bind\n");
        rwData = Files.createDirectories(BED.work().resolve("rw"));
        box = BED.runtime().create(spec(newId()).build());
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (box != null) {
            box.destroy();
            PrivilegedBed.assertGone(box.id());
        }
        box = null;
    }

    private static String newId() {
        return "esc-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ContainerSpec.Builder spec(String id) {
        ContainerSpec.Builder b = ContainerSpec.builder().id(id).rootfs(BED.rootfs());
        if (userNamespace) {
            IdMapping map = new IdMapping(0, 100000, 65536);
            b.capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.NETWORK, Capability.USERS)
                    .uidMappings(map).gidMappings(map);
        } else {
            b.capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.NETWORK);
        }
        return b
                .layer(Layer.hostDirectory(PROBE_DIR, "/probe", Access.READ_ONLY))
                .layer(Layer.hostDirectory(roData, "/data", Access.READ_ONLY))
                .layer(Layer.hostDirectory(rwData, "/rw", Access.READ_WRITE))
                .layer(Layer.tmpfs("/scratch"));
    }

    private static ExecResult run(Container c, String... command) {
        return c.exec(ProcessSpec.of(command));
    }

    private static ExecResult sh(Container c, String script) {
        return run(c, "/bin/sh", "-c", script);
    }

    /** Runs the probe; asserts it tried something and that nothing it tried worked. */
    private static List<String> probeBlocksEverything(Container c, String... args) {
        String[] cmd = Stream.concat(Stream.of(PROBE), Stream.of(args)).toArray(String[]::new);
        ExecResult r = run(c, cmd);
        assertThat(r.exitCode()).as("probe exit, stderr: %s", r.stderr()).isZero();
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines).as("the probe's attempts").isNotEmpty();
        assertThat(lines).as("attempts that escaped").noneMatch(l -> l.contains(" allowed"));
        return lines;
    }

    private static void inFreshContainer(ContainerSpec.Builder b, Consumer<Container> body) {
        Container c = BED.runtime().create(b.build());
        try {
            body.accept(c);
        } finally {
            c.destroy();
        }
    }

    // ---- item 1: host file system through file handles and PID 1's fds ----

    @Test
    void openByHandleAtFromEveryReachableFdAndFromAReadOnlyBindIsBlocked() {
        List<String> lines = probeBlocksEverything(box, "handles", "/data/f");
        assertThat(lines).anyMatch(l -> l.startsWith("open_by_handle_at /data/f blocked"));
        assertThat(lines).anyMatch(l -> l.startsWith("open_by_handle_at fd=2 blocked"));
    }

    /**
     * pivot_root stacks the host's root on the container's, and the init detaches it (after its "ok" without a user
     * namespace of its own to enter, see init.c): before any process runs, the container's mount table holds one
     * mount at "/" and no mount of the host's (their mount points would show as duplicates of the container's).
     */
    @Test
    void theHostsOldRootIsDetachedBeforeAnyProcessRuns() {
        ExecResult r = run(box, "/bin/cat", "/proc/self/mountinfo");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        List<String> mountPoints = r.stdout().lines().map(l -> l.split(" ")[4]).toList();
        assertThat(mountPoints).as(r.stdout()).containsOnlyOnce("/");
        assertThat(mountPoints.stream().filter(m -> m.equals("/proc")).count()).as(r.stdout()).isEqualTo(1);
    }

    // ---- items 1 and 5: PID 1 ----

    @Test
    void pid1GivesNothingThroughProcFdPidfdGetfdOrPtrace() {
        List<String> lines = probeBlocksEverything(box, "pid1");
        assertThat(lines).anyMatch(l -> l.startsWith("ptrace pid=1 blocked"));
        assertThat(lines).anyMatch(l -> l.startsWith("pidfd_getfd pid=1/fd=2 blocked"));
        // With a user namespace the directory itself is closed (owned by host root, unmapped), so no entry is tried.
        assertThat(lines).anyMatch(l -> l.startsWith("proc-fd /proc/1/fd/2 blocked") || l.startsWith("proc-fd /proc/1/fd blocked"));
    }

    @Test
    void pid1HoldsNoFileOfTheHostAndLogsThroughAPipe() throws Exception {
        ContainerProcess sleeper = box.spawn(ProcessSpec.of("/bin/sleep", "60"));
        try {
            long init = ProcessHandle.of(sleeper.pid()).flatMap(ProcessHandle::parent).orElseThrow().pid();
            // Every file system the host has mounted, as st_dev numbers: a file of PID 1 on one of them could
            // be turned into a handle of the host (issue 12, item 1). The container's /dev is a tmpfs of its own.
            Set<Long> hostDevices = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(l -> l.split(" ")[2])
                    .map(EscapePrivilegedTest::devT).collect(Collectors.toSet());
            Path fds = Path.of("/proc", Long.toString(init), "fd");
            assertThat(Files.readSymbolicLink(fds.resolve("2")).toString()).as("PID 1's stderr").startsWith("pipe:");
            List<String> hostFiles = new ArrayList<>();
            try (Stream<Path> s = Files.list(fds)) {
                for (Path fd : s.toList()) {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("pipe:") || target.startsWith("socket:") || target.startsWith("anon_inode:")) {
                        continue;
                    }
                    // Rootless, the container's device nodes are the host's, bound in (mknod is refused in a user
                    // namespace); a handle of them is harmless there: open_by_handle_at needs CAP_DAC_READ_SEARCH in
                    // the host's user namespace, which no rootless process has (the handles test shows it blocked).
                    if (rootless && dev.containerv.linux.plan.StandardSetup.DEVICES.stream().anyMatch(d -> d.path().equals(target))) {
                        continue;
                    }
                    long dev = (Long) Files.getAttribute(fd, "unix:dev");
                    if (hostDevices.contains(dev)) {
                        hostFiles.add("fd " + fd.getFileName() + " -> " + target + " (a host file system)");
                    }
                }
            }
            assertThat(hostFiles).as("PID 1's fds on a host mount").isEmpty();
        } finally {
            sleeper.kill(Signal.KILL);
        }
    }

    /**
     * The 32-bit entry of an x86-64 kernel (int 0x80) numbers system calls its own way: a filter of 64-bit numbers
     * alone would let {@code unshare(CLONE_NEWUSER)} (310 there) through, and with it every capability in a new user
     * namespace. The filter kills a process that uses another architecture's entry.
     */
    @Test
    void theThirtyTwoBitSystemCallEntryDoesNotPassTheFilter() {
        assertThat(probeBlocksEverything(box, "compat")).singleElement().satisfiesAnyOf(
                l -> assertThat(l).isEqualTo("compat int80-unshare blocked SIGSYS"), l -> assertThat(l).startsWith("compat int80-unshare absent"));
    }

    /**
     * The JVM looked up a spawned user's home in the container's {@code /etc/passwd} through {@code /proc/<init>/root}: a
     * link the container puts there ({@code /etc/passwd -> <a host path>}) was resolved against the JVM's root, so the
     * host read a host file of the container's choosing (and its lines became the process's {@code HOME}; a link to
     * {@code /dev/zero} ran the JVM out of memory). The init now resolves the home inside the container, where the link
     * names a container path.
     */
    @Test
    void aLinkAtEtcPasswdDoesNotMakeTheJvmReadAHostFile() throws Exception {
        Privileged.assumeRootMode("a rootless container starts no process with a user given (setgroups is denied there)");
        Path hostFile = Files.writeString(BED.work().resolve("host-passwd-" + UUID.randomUUID()), "anyone:x:0:0::/host-file-was-read:/bin/sh\n");
        try {
            inFreshContainer(spec(newId()), c -> {
                ExecResult ln = sh(c, "ln -sf " + hostFile + " /etc/passwd && echo linked");
                assertThat(ln.stdout()).as(ln.stderr()).contains("linked");
                ExecResult r = c.exec(ProcessSpec.of("/bin/sh", "-c", "echo $HOME").toBuilder().user("0").build());
                assertThat(r.exitCode()).as(r.stderr()).isZero();
                assertThat(r.stdout().strip()).as("HOME of uid 0").isEqualTo("/root");
            });
        } finally {
            Files.deleteIfExists(hostFile);
        }
    }

    /**
     * A FIFO at {@code /etc/passwd}, swapped in and out while processes with a user start. The JVM used to look the
     * user's home up there through {@code /proc/<init>/root}: a FIFO swapped in after its type check held the reading
     * thread in its open, and a second FIFO swapped in over the first held the thread sent to release it, and the
     * caller closing the directory stream, for ever. The init now reads the file inside the container without blocking
     * (protocol 5.4, SPAWN flag HOME_FROM_PASSWD): every spawn ends in bounded time, with the user's home or an error
     * that names the file, and no JVM thread is left in an open of a file of the container.
     */
    @Test
    void aFifoSwappedInAtEtcPasswdHangsNoSpawnAndNoJvmThread() throws Exception {
        Privileged.assumeRootMode("a rootless container starts no process with a user given (setgroups is denied there)");
        inFreshContainer(spec(newId()), c -> {
            ExecResult made = sh(c, "cp /etc/passwd /etc/passwd.real && mkfifo /etc/fifo-a /etc/fifo-b && ln -f /etc/fifo-a /etc/passwd && echo made");
            assertThat(made.stdout()).as(made.stderr()).contains("made");
            ProcessSpec asBuilder = ProcessSpec.builder("/bin/sh", "-c", "echo $HOME").user("builder").build();
            long start = System.nanoTime();
            assertThatThrownBy(() -> c.exec(asBuilder)).isInstanceOfSatisfying(ContainerException.class,
                    e -> assertThat(e.getMessage()).contains("user 'builder'").contains("/etc/passwd").contains("not a regular file"));
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("a spawn with a FIFO at /etc/passwd").isLessThan(10_000);

            ContainerProcess racer = c.spawn(ProcessSpec.of("/bin/sh", "-c", "while :; do"
                    + " ln -f /etc/passwd.real /etc/p.new; mv -f /etc/p.new /etc/passwd;"
                    + " ln -f /etc/fifo-a /etc/p.new; mv -f /etc/p.new /etc/passwd;"
                    + " ln -f /etc/fifo-b /etc/p.new; mv -f /etc/p.new /etc/passwd; done"));
            int homes = 0;
            try {
                for (int i = 0; i < 60; i++) {
                    ExecResult r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                        try {
                            return c.exec(asBuilder);
                        } catch (ContainerException e) {
                            assertThat(e.getMessage()).contains("/etc/passwd");
                            return null;
                        }
                    }, "a spawn with a user while /etc/passwd is swapped for FIFOs");
                    if (r != null) {
                        assertThat(r.stdout()).isEqualTo("/home/builder\n");
                        homes++;
                    }
                }
            } finally {
                racer.destroyForcibly();
            }
            assertThat(homes).as("spawns that found the real file (of 60)").isPositive();
        });
        assertThat(Thread.getAllStackTraces().entrySet()).as("JVM threads in an open of a file").noneMatch(t -> Stream.of(t.getValue())
                .anyMatch(f -> f.getClassName().endsWith("UnixNativeDispatcher") && f.getMethodName().startsWith("open")));
    }

    /**
     * PID 1 joins a session keyring of the container's own before any spawn: the one inherited from the JVM is the
     * host's, whose keys a container process would possess wherever keyctl is allowed (here a policy that allows it;
     * the default filter denies it).
     */
    @Test
    void aContainerDoesNotShareTheHostsSessionKeyring() throws Exception {
        String host = probeOnHost("keyring").strip();
        assertThat(host).startsWith("keyring session ");
        inFreshContainer(spec(newId()).policy(SecurityPolicy.builder(PolicyProfile.BUILD).allowSyscalls("keyctl").build()), c -> {
            String inside = run(c, PROBE, "keyring").stdout().strip();
            assertThat(inside).as("the session keyring inside (the host's: %s)", host).startsWith("keyring session ").isNotEqualTo(host);
        });
        assertThat(probeBlocksEverything(box, "keyring")).as("under the default filter").containsExactly("keyring session blocked EPERM");
    }

    /**
     * Between fork and execve a child of PID 1 is the host's helper binary, visible in the container's /proc: an fd of
     * its {@code /proc/<pid>/exe}, reopened for writing once the helper is idle, would replace the helper every later
     * container runs (runc's CVE-2019-5736). PID 1 and its children are non-dumpable, so the container cannot open it.
     * A racer opens every other process's exe while the JVM starts short programs.
     */
    @Test
    void aChildOfPid1BeforeItsExecveCannotBeOpenedByTheContainer() throws Exception {
        ContainerProcess racer = box.spawn(ProcessSpec.of(PROBE, "exe-race", "4"));
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3500);
        int spawns = 0;
        while (System.nanoTime() < end) {
            box.exec(ProcessSpec.of("/bin/true"));
            spawns++;
        }
        String out = new String(racer.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        racer.waitFor();
        assertThat(out.strip()).as("the racer's result over %d spawns", spawns).startsWith("exe-race /proc/*/exe blocked");
    }

    /** Runs the probe on the host; its whole output. */
    private static String probeOnHost(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PROBE_DIR.resolve("escape-probe").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    /**
     * Without NETWORK a container shares the host's network namespace and with it every abstract Unix socket of the
     * host's processes, which no file mode or mount guards (older containerd shims, X11, session buses; root inside
     * passes a peer-uid check of 0). PID 1 puts the container in a Landlock domain scoping abstract sockets (Linux
     * 6.12): the host's are out of reach, while the container's own processes still reach each other's.
     */
    @Test
    void theHostsAbstractSocketsAreOutOfReachWithoutANetworkNamespace() throws Exception {
        int abi = Integer.parseInt(probeOnHost("landlock-abi").strip().split(" ")[1]);
        Assumptions.assumeTrue(abi >= 6, "this kernel's Landlock (ABI " + abi + ") has no abstract-socket scope (ABI 6, Linux 6.12)");
        String name = "@cv-host-" + UUID.randomUUID().toString().substring(0, 8);
        Process listener = new ProcessBuilder(PROBE_DIR.resolve("escape-probe").toString(), "listen", name, "60").start();
        ContainerSpec.Builder b = spec(newId());
        if (userNamespace) {
            b.capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.USERS);
        } else {
            b.capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL);
        }
        try {
            String ready = new java.io.BufferedReader(new java.io.InputStreamReader(listener.getInputStream())).readLine();
            assertThat(ready).isEqualTo("listening " + name);
            assertThat(probeOnHost("unix", name).strip()).as("the host's own processes reach it").isEqualTo("unix " + name + " allowed");
            inFreshContainer(b, c -> {
                List<String> lines = probeBlocksEverything(c, "unix", name);
                assertThat(lines).singleElement().satisfies(l -> assertThat(l).startsWith("unix " + name + " blocked"));
                String inner = "@cv-inner-" + UUID.randomUUID().toString().substring(0, 8);
                ContainerProcess server = c.spawn(ProcessSpec.of(PROBE, "listen", inner, "30"));
                try {
                    String up = new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream())).readLine();
                    assertThat(up).isEqualTo("listening " + inner);
                    assertThat(run(c, PROBE, "unix", inner).stdout().strip()).as("a socket of the container's own").isEqualTo("unix " + inner + " allowed");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } finally {
                    server.kill(Signal.KILL);
                }
            });
        } finally {
            listener.destroyForcibly();
            listener.waitFor();
        }
    }

    /** A spawned process gets stdin, stdout and stderr from PID 1 and nothing else: every other fd there is close-on-exec. */
    @Test
    void aContainerProcessInheritsNoFdBeyondItsStdio() {
        assertThat(probeBlocksEverything(box, "fds")).containsExactly("fds inherited blocked none");
    }

    /**
     * The supervisor leads a session of its own, so no container process shares the controlling terminal of the JVM
     * (an interactive {@code containerv run}): through it, TIOCSTI would type commands into the user's shell
     * ({@code dev.tty.legacy_tiocsti} is 1 here). Inside, {@code /dev/tty} has no terminal behind it.
     */
    @Test
    void noContainerProcessSharesTheJvmsControllingTerminal() throws Exception {
        assertThat(probeBlocksEverything(box, "tty")).singleElement().satisfiesAnyOf(
                l -> assertThat(l).startsWith("tiocsti /dev/tty blocked ENXIO"), l -> assertThat(l).startsWith("tiocsti /dev/tty absent"));
        // The container's own devpts: none of the host's terminals (the user's shells) to open either.
        assertThat(sh(box, "ls -A /dev/pts").stdout().lines().toList()).as("/dev/pts inside").containsExactly("ptmx");
        ContainerProcess sleeper = box.spawn(ProcessSpec.of("/bin/sleep", "60"));
        try {
            long init = ProcessHandle.of(sleeper.pid()).flatMap(ProcessHandle::parent).orElseThrow().pid();
            long supervisor = ProcessHandle.of(init).flatMap(ProcessHandle::parent).orElseThrow().pid();
            String stat = Files.readString(Path.of("/proc", Long.toString(supervisor), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            assertThat(Long.parseLong(f[3])).as("the supervisor's session id (%s)", stat).isEqualTo(supervisor);
            assertThat(f[4]).as("its controlling terminal (tty_nr)").isEqualTo("0");
        } finally {
            sleeper.kill(Signal.KILL);
        }
    }

    /**
     * A file capability written inside a user namespace (USERS, or rootless) is stored as revision 3 with the
     * namespace's root as its owner, which the host ignores: a host user running the file from the read-write bind
     * gains nothing. (Without a user namespace root inside is root on the host, and such a file is honoured there:
     * see "what it does not protect against".)
     */
    @Test
    void aFileCapabilityWrittenInsideIsNotHonouredOnTheHost() throws Exception {
        Assumptions.assumeTrue(userNamespace || rootless, "without a user namespace root inside is root on the host: a file capability it"
                + " writes into a read-write bind works there, as its setuid files do (documented in linux-provider.md)");
        Path dir = Files.createDirectories(rwData.resolve("caps"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Set<java.nio.file.attribute.PosixFilePermission> workMode = Files.getPosixFilePermissions(BED.work());
        try {
            ExecResult w = sh(box, "cp /probe/escape-probe /rw/caps/p && " + PROBE + " setcap /rw/caps/p");
            assertThat(w.stdout().strip()).as("stderr: %s", w.stderr()).isEqualTo("setcap /rw/caps/p allowed");
            List<String> command = new ArrayList<>();
            if (!rootless) {
                // Root would have every capability anyway: run it as the namespace's root, host uid 100000.
                Files.setPosixFilePermissions(BED.work(), PosixFilePermissions.fromString("rwx--x--x"));
                command.addAll(List.of("setpriv", "--reuid=100000", "--regid=100000", "--clear-groups"));
            }
            command.addAll(List.of(dir.resolve("p").toString(), "caps"));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(out).isZero();
            assertThat(out.strip()).as("the capabilities of %s run on the host", command).isEqualTo("caps eff=0000000000000000");
        } finally {
            Files.setPosixFilePermissions(BED.work(), workMode);
            FileTrees.deleteTree(dir);
        }
    }

    /**
     * Rootless, the user's session sockets in {@code $XDG_RUNTIME_DIR} (systemd --user, D-Bus, agents) would let the
     * container run anything as the user outside it (a Unix socket connects through a read-only bind: a host-root
     * view binds the top-level directories that have mounts below it, such as {@code /run} on a systemd host). Masked
     * wherever a rootless container sees it: here through a bind of its parent.
     */
    @Test
    void theUsersSessionSocketsAreHiddenFromARootlessContainer() throws Exception {
        Assumptions.assumeTrue(rootless, "root has no session directory of a user (XDG_RUNTIME_DIR) to hide");
        String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
        Assumptions.assumeTrue(runtimeDir != null && runtimeDir.startsWith("/"), "XDG_RUNTIME_DIR is not set");
        Path runtime = Path.of(runtimeDir).toRealPath();
        Path socket = runtime.resolve("cv-session-" + UUID.randomUUID().toString().substring(0, 8));
        try (java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            server.bind(java.net.UnixDomainSocketAddress.of(socket));
            inFreshContainer(spec(newId()).layer(Layer.hostDirectory(runtime.getParent(), "/session-parent", Access.READ_ONLY)), c -> {
                String inside = "/session-parent/" + runtime.getFileName() + "/" + socket.getFileName();
                List<String> lines = probeBlocksEverything(c, "unix", inside);
                assertThat(lines).singleElement().satisfies(l -> assertThat(l).startsWith("unix " + inside + " absent"));
            });
        } finally {
            Files.deleteIfExists(socket);
        }
    }

    /**
     * A host-root view showed the user's home (which holds the layer root) as a read-only bind, since overlayfs refuses
     * an upper directory inside its lower one; through a bind a Unix socket connects (an SSH control master, an IDE's
     * or agent's socket: the user's account outside the container) and a lock reaches the host's file. The home is an
     * overlay with its writable layer on the tmpfs of the container's root layer now, and no socket connects through it.
     */
    @Test
    void aSocketInTheUsersHomeDoesNotConnectFromAHostRootContainer() throws Exception {
        Path home = Path.of(System.getProperty("user.home")).toRealPath();
        Path top = Path.of("/").resolve(home.getName(0));
        Assumptions.assumeFalse(rootless && dev.containerv.linux.rootless.HostRootView.needed(top, dev.containerv.linux.proc.Proc.HOST.mountPoints()),
                top + " has mounts below it: a rootless host-root view binds it (a limit linux-provider.md documents)");
        Path socket = home.resolve("cv-home-" + UUID.randomUUID().toString().substring(0, 8));
        try (java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            server.bind(java.net.UnixDomainSocketAddress.of(socket));
            inFreshContainer(ContainerSpec.builder().id(newId()).rootfs(Path.of("/")).capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL)
                    .layer(Layer.hostDirectory(PROBE_DIR, "/probe", Access.READ_ONLY)), c -> {
                List<String> lines = probeBlocksEverything(c, "unix", socket.toString());
                assertThat(lines).singleElement().satisfies(l -> assertThat(l).startsWith("unix " + socket + " blocked ECONNREFUSED"));
                // (Rootless, a write there needs every directory between the overlay's root and the file to be the
                // user's: the throw-away user's home lies below a directory of root's, which the namespace cannot copy up.)
                if (!rootless) {
                    ExecResult w = sh(c, "echo x > " + home + "/cv-home-write && cat " + home + "/cv-home-write");
                    assertThat(w.stdout().strip()).as("a write in the home, stderr: %s", w.stderr()).isEqualTo("x");
                }
            });
            assertThat(home.resolve("cv-home-write")).as("the write went to the container's layer").doesNotExist();
        } finally {
            Files.deleteIfExists(socket);
        }
    }

    /** glibc's makedev of a mountinfo "major:minor". */
    private static long devT(String majorMinor) {
        String[] mm = majorMinor.split(":");
        long major = Long.parseLong(mm[0]);
        long minor = Long.parseLong(mm[1]);
        return ((major & 0xfffL) << 8) | ((major & ~0xfffL) << 32) | (minor & 0xffL) | ((minor & ~0xffL) << 12);
    }

    // ---- item 4: kernel knobs, keys, kmsg, cgroup v1 ----

    @Test
    void kernelKnobsAreNotWritable() {
        List<String> lines = probeBlocksEverything(box, "knobs");
        assertThat(lines).anyMatch(l -> l.startsWith("writable /proc/sys/kernel/core_pattern blocked"));
    }

    @Test
    void procKeysShowsNothingOfTheHost() {
        assertThat(probeBlocksEverything(box, "keys")).containsExactly("read /proc/keys blocked 0-lines");
    }

    @Test
    void devKmsgAndACgroupHierarchyCannotBeReached() {
        probeBlocksEverything(box, "kmsg", "/scratch");
        List<String> cg = probeBlocksEverything(box, "cgroup", "/scratch");
        assertThat(cg).anyMatch(l -> l.startsWith("mount cgroup-v1 blocked"));
    }

    @Test
    void maskedPathsAreEmptyAndReadOnlyPathsAreReadOnly() {
        // Which of runc's paths exist depends on the kernel; /proc/timer_list and /sys/firmware do here.
        Assumptions.assumeTrue(Files.exists(Path.of("/proc/timer_list")) && Files.isDirectory(Path.of("/sys/firmware")));
        ExecResult r = sh(box, "echo timer_list=$(wc -c < /proc/timer_list); echo firmware=$(ls -A /sys/firmware | wc -l); "
                + "grep -E ' /proc/(sys|bus|fs|irq) ' /proc/self/mountinfo; echo 1 > /proc/sys/kernel/domainname; echo sysctl=$?");
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines).contains("timer_list=0", "firmware=0").doesNotContain("sysctl=0");
        assertThat(lines.stream().filter(l -> l.contains(" /proc/sys ")).findFirst()).hasValueSatisfying(l -> assertThat(l).contains(" ro,"));
    }

    // ---- items 3 and 5: mounts ----

    @Test
    void mountRemountUmountAndMknodFail() {
        List<String> lines = probeBlocksEverything(box, "mounts", "/scratch", "/data/f");
        assertThat(lines).anyMatch(l -> l.startsWith("mount tmpfs blocked"));
        assertThat(lines).anyMatch(l -> l.startsWith("mknod "));
    }

    @Test
    void aReadOnlyBindCannotBeMadeWritableFromInside() throws IOException {
        ExecResult r = sh(box, "mount -o remount,rw,bind /data; echo remount=$?; echo x > /data/written; echo write=$?; umount /data; echo umount=$?");
        assertThat(r.stdout()).doesNotContain("remount=0").doesNotContain("write=0").doesNotContain("umount=0");
        assertThat(roData.resolve("written")).doesNotExist();
    }

    /**
     * An upload of a symbolic link gives the link its owner and times after making it: by name, the container could
     * swap the fresh link for a hard link of another file in between (a host user's file on a read-write bind, here
     * uid 5000 and world-writable, which even root of a user namespace may link), and the host-root copy helper
     * chowned that file instead (to root; with USERS, to the owner of the parent). Uploads race a relinking loop.
     */
    @Test
    void anUploadedLinkSwappedForAHardLinkChownsNothingElse() throws Exception {
        Privileged.assumeRootMode("the victim belongs to another host user (uid 5000), which a normal user cannot make; rootless, the copy helper runs as that normal user, who can chown nothing to root");
        Path victim = Files.writeString(rwData.resolve("victim"), "a host user's file\n");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setAttribute(victim, "unix:uid", 5000);
        Files.setAttribute(victim, "unix:gid", 5000);
        Path up = Files.createDirectories(rwData.resolve("up"));
        Files.setPosixFilePermissions(up, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path link = Files.createSymbolicLink(BED.work().resolve("uploaded-link"), Path.of("/nowhere"));
        ContainerProcess racer = box.spawn(ProcessSpec.of(PROBE, "relink", "/rw/up", "l", "/rw/victim", "30"));
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
            int uploads = 0;
            while (System.nanoTime() < end && (int) Files.getAttribute(victim, "unix:uid") == 5000) {
                try {
                    box.upload(link, "/rw/up/l");
                } catch (dev.containerv.api.ContainerException e) {
                    // the racer removed or replaced the entry mid-copy: refused, as it should be
                }
                uploads++;
            }
            assertThat(Files.getAttribute(victim, "unix:uid")).as("owner of the victim after %d uploads", uploads).isEqualTo(5000);
            assertThat(Files.getAttribute(victim, "unix:gid")).isEqualTo(5000);
        } finally {
            racer.destroyForcibly();
            racer.waitFor();
            FileTrees.deleteTree(up);
            Files.deleteIfExists(victim);
            Files.deleteIfExists(link);
        }
    }

    /**
     * An uploaded directory was made by name and then opened by name: in between, the container could rename a host
     * user's directory over the fresh (empty) one, and the copy filled that directory and gave it the upload's owner
     * and mode (here 0777: the container could write into a directory of uid 5000 from then on).
     */
    @Test
    void anUploadedDirectorySwappedForAnotherIsRefusedAndTheOtherKeepsItsOwnerAndMode() throws Exception {
        Privileged.assumeRootMode("the victim belongs to another host user (uid 5000), which a normal user cannot make; rootless, the copy helper runs as that normal user, who can chown nothing to root");
        Path up = Files.createDirectories(rwData.resolve("up-dir"));
        Files.setPosixFilePermissions(up, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path victim = Files.createDirectory(up.resolve("vd"));
        Files.writeString(victim.resolve("marker"), "uid 5000's\n");
        Files.setAttribute(victim, "unix:uid", 5000);
        Files.setAttribute(victim, "unix:gid", 5000);
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path src = Files.createDirectories(BED.work().resolve("uploaded-dir"));
        Files.writeString(src.resolve("f"), "f\n");
        Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("rwxrwxrwx"));
        ContainerProcess racer = box.spawn(ProcessSpec.of(PROBE, "redir", "/rw/up-dir", "d", "vd", "30"));
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
            int uploads = 0;
            Path d = up.resolve("d");
            while (System.nanoTime() < end) {
                if (Files.exists(d.resolve("marker"))) {
                    Files.move(d, victim); // the racer moved it: put it back for the next round
                } else if (Files.exists(d)) {
                    Path trash = Files.move(d, BED.work().resolve("trash-" + uploads)); // in one step: the racer watches d
                    FileTrees.deleteTree(trash);
                }
                try {
                    box.upload(src, "/rw/up-dir/d");
                } catch (dev.containerv.api.ContainerException e) {
                    // refused: the directory was swapped mid-copy
                }
                uploads++;
                Path now = Files.exists(d.resolve("marker")) ? d : victim;
                assertThat(Files.getAttribute(now, "unix:uid")).as("owner of the victim after %d uploads", uploads).isEqualTo(5000);
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(now))).as("its mode").isEqualTo("rwxr-xr-x");
            }
        } finally {
            racer.destroyForcibly();
            racer.waitFor();
            FileTrees.deleteTree(up);
            FileTrees.deleteTree(src);
        }
    }

    // ---- items 2 and 6: capabilities, no_new_privs, seccomp, setuid, nosuid/nodev ----

    @Test
    void rootInsideHasTheDefaultCapabilitiesNoNewPrivsAndAFilter() {
        String hex = String.format("%016x", CapabilitySet.mask(CapabilitySet.DEFAULT));
        ExecResult r = sh(box, "grep -E '^(CapEff|CapBnd|CapPrm|CapAmb|NoNewPrivs|Seccomp):' /proc/self/status");
        assertThat(r.stdout()).contains("CapEff:\t" + hex, "CapBnd:\t" + hex, "CapPrm:\t" + hex, "CapAmb:\t0000000000000000",
                "NoNewPrivs:\t1", "Seccomp:\t2");
    }

    @Test
    void aNonRootUserHasNoEffectiveCapabilities() {
        Privileged.assumeRootMode("only the user's own uid is mapped (to 0), so no other user exists in a rootless container (subordinate ids need newuidmap)");
        ExecResult r = box.exec(ProcessSpec.of("/bin/sh", "-c", "grep -E '^(CapEff|CapPrm):' /proc/self/status").toBuilder().user("65534").build());
        assertThat(r.stdout()).contains("CapEff:\t0000000000000000", "CapPrm:\t0000000000000000");
    }

    @Test
    void capabilitiesAddedForTrustedWorkloadsAreGiven() {
        inFreshContainer(spec(newId()).extension(LinuxOptions.builder().addCapabilities("NET_ADMIN").build()), c -> {
            long eff = Long.parseUnsignedLong(sh(c, "sed -n 's/^CapEff:\t//p' /proc/self/status").stdout().trim(), 16);
            assertThat(eff).isEqualTo(CapabilitySet.mask(CapabilitySet.DEFAULT) | (1L << 12));
        });
    }

    @Test
    void setuidRootDoesNotRaiseANonRootUser() {
        Privileged.assumeRootMode("only the user's own uid is mapped (to 0), so no other user exists in a rootless container (subordinate ids need newuidmap)");
        ExecResult r = box.exec(ProcessSpec.of("/bin/suid-probe", "ids").toBuilder().user("65534").build());
        assertThat(r.stdout()).as("stderr: %s", r.stderr()).contains("euid=65534").doesNotContain("euid=0");
    }

    /** The trusted-only switch really is the protection above: without no_new_privs the setuid bit works. */
    @Test
    void turningNoNewPrivilegesOffLetsSetuidRaiseAgain() {
        Privileged.assumeRootMode("only the user's own uid is mapped (to 0), so no other user exists in a rootless container (subordinate ids need newuidmap)");
        inFreshContainer(spec(newId()).extension(LinuxOptions.builder().noNewPrivileges(false).build()), c -> {
            ExecResult r = c.exec(ProcessSpec.of("/bin/suid-probe", "ids").toBuilder().user("65534").build());
            assertThat(r.stdout()).as("stderr: %s", r.stderr()).contains("ruid=65534 euid=0");
            assertThat(sh(c, "grep '^NoNewPrivs:' /proc/self/status").stdout()).contains("NoNewPrivs:\t0");
        });
    }

    @Test
    void hostDirectoryAndTmpfsLayersAreNosuidNodev() {
        ExecResult r = sh(box, "grep -E ' /(data|rw|scratch|probe) ' /proc/self/mountinfo");
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines).allSatisfy(l -> assertThat(l).contains("nosuid", "nodev"));
    }

    // ---- item 9: containerv's own directories ----

    @Test
    void aHostRootContainerSeesNoStateOrLayersOfContainers() {
        Path stateRoot = LinuxOptions.defaults().stateRoot();
        Path layerRoot = LinuxOptions.defaults().layerRoot();
        assertThat(stateRoot.resolve(box.id())).as("another container's state on the host").exists();
        inFreshContainer(ContainerSpec.builder().id(newId()).rootfs(Path.of("/"))
                .capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL), c -> {
            ExecResult r = sh(c, "ls -A " + stateRoot + " | wc -l; ls -A " + layerRoot + " | wc -l");
            assertThat(r.stdout().lines().map(String::trim).toList()).as("entries of the state and layer roots").containsExactly("0", "0");
        });
    }

    // ---- policies ----

    private static final String BUILD_WORKLOAD = "set -e; mkdir -p /scratch/w/src; cd /scratch/w; "
            + "for i in 1 2 3; do echo \"int f$i(void) { return $i; }\" > src/f$i.c; done; "
            + "cat src/*.c | sed 's/int/long/' | sort > all.c; tar -cf src.tar src; rm -r src; tar -xf src.tar; "
            + "cp all.c copy.c; cmp all.c copy.c; grep -c long all.c; rm -rf /scratch/w";

    @Test
    void aBuildLikeWorkloadRunsUnderTheDefaultFilterAndUnderBuild() {
        ExecResult r = sh(box, BUILD_WORKLOAD);
        assertThat(r.exitCode()).as("default filter, stderr: %s", r.stderr()).isZero();
        assertThat(r.stdout().trim()).isEqualTo("3");
        inFreshContainer(spec(newId()).policy(SecurityPolicy.of(PolicyProfile.BUILD)), c -> {
            ExecResult b = sh(c, BUILD_WORKLOAD);
            assertThat(b.exitCode()).as("BUILD, stderr: %s", b.stderr()).isZero();
            assertThat(b.stdout().trim()).isEqualTo("3");
        });
    }

    @Test
    void socketIsDeniedUnderBuildAndWorksUnderNetwork() {
        inFreshContainer(spec(newId()).policy(SecurityPolicy.of(PolicyProfile.BUILD)),
                c -> assertThat(run(c, PROBE, "socket").stdout()).isEqualTo("socket inet-stream blocked EPERM\n"));
        inFreshContainer(spec(newId()).policy(SecurityPolicy.of(PolicyProfile.NETWORK)),
                c -> assertThat(run(c, PROBE, "socket").stdout()).isEqualTo("socket inet-stream allowed\n"));
    }

    @Test
    void pathRulesAreEnforcedWithLandlock() throws IOException {
        inFreshContainer(spec(newId()).policy(SecurityPolicy.builder(PolicyProfile.BUILD)
                .allowPaths(Access.READ_ONLY, "/bin", "/data").allowPaths(Access.READ_WRITE, "/scratch").build()), c -> {
            ExecResult r = sh(c, "echo ok > /scratch/a && cat /scratch/a; cat /data/f; "
                    + "cat /etc/passwd; echo etc=$?; echo x > /data/x; echo data=$?; echo y > /rw/y; echo rw=$?");
            assertThat(r.stdout()).contains("ok\n", "read-only bind\n").doesNotContain("root:", "etc=0", "data=0", "rw=0");
        });
        assertThat(rwData.resolve("y")).doesNotExist();
    }
}
