package dev.containerv.testkit;

import dev.containerv.api.GuestOs;
import dev.containerv.api.ProcessSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link GuestFixture} for guests with a POSIX {@code /bin/sh} and busybox-level tools ({@code cat},
 * {@code ls}, {@code dd}, {@code nc}, {@code stat}). Works with {@link TestRootfs}.
 */
public class PosixShellFixture implements GuestFixture {
    private final String shell;

    /** Uses {@code /bin/sh}. */
    public PosixShellFixture() {
        this("/bin/sh");
    }

    /** Uses the given shell, an absolute path in the guest. */
    public PosixShellFixture(String shell) {
        this.shell = shell;
    }

    /** A process running {@code script} with the shell; extra arguments become {@code $1...}. */
    protected ProcessSpec.Builder sh(String script, String... arguments) {
        List<String> command = new ArrayList<>(List.of(shell, "-c", script, "sh"));
        command.addAll(Arrays.asList(arguments));
        return ProcessSpec.builder(command);
    }

    @Override
    public GuestOs guestOs() {
        return GuestOs.LINUX;
    }

    @Override
    public String scratchDirectory() {
        return "/tmp";
    }

    @Override
    public ProcessSpec.Builder print(String text) {
        return sh("printf '%s' \"$1\"", text);
    }

    @Override
    public ProcessSpec.Builder printToStderr(String text) {
        return sh("printf '%s' \"$1\" >&2", text);
    }

    @Override
    public ProcessSpec.Builder exitWith(int code) {
        return sh("exit " + code);
    }

    /**
     * {@inheritDoc}
     *
     * @implNote {@code sleep} itself, found on the guest's {@code PATH}: a shell that execs it later would leave a
     *           window after spawn in which the program is not yet looked up (see {@link GuestFixture#sleep}).
     */
    @Override
    public ProcessSpec.Builder sleep(Duration duration) {
        return ProcessSpec.builder("sleep", Long.toString(Math.max(1, (duration.toMillis() + 999) / 1000)));
    }

    @Override
    public ProcessSpec.Builder echoStdin() {
        return ProcessSpec.builder("cat");
    }

    @Override
    public ProcessSpec.Builder listDirectory(String path) {
        return sh("ls -1A -- \"$1\"", path);
    }

    @Override
    public ProcessSpec.Builder readFile(String path) {
        return ProcessSpec.builder("cat", "--", path);
    }

    @Override
    public ProcessSpec.Builder writeFile(String path, String content) {
        return sh("printf '%s' \"$2\" > \"$1\"", path, content);
    }

    @Override
    public ProcessSpec.Builder pathExists(String path) {
        return sh("[ -e \"$1\" ] || [ -L \"$1\" ]", path);
    }

    @Override
    public ProcessSpec.Builder printEnvironment() {
        return ProcessSpec.builder("/usr/bin/env");
    }

    @Override
    public ProcessSpec.Builder printWorkingDirectory() {
        return sh("pwd");
    }

    @Override
    public ProcessSpec.Builder printUserId() {
        return sh("id -u");
    }

    @Override
    public ProcessSpec.Builder printHostname() {
        return sh("hostname");
    }

    @Override
    public ProcessSpec.Builder printArguments(String... arguments) {
        return sh("for a in \"$@\"; do printf '%s\\n' \"$a\"; done", arguments);
    }

    @Override
    public ProcessSpec.Builder floodBothStreams(long bytes) {
        return sh("yes out | head -c " + bytes + " & yes err | head -c " + bytes + " >&2; wait");
    }

    @Override
    public ProcessSpec.Builder burnCpu(Duration duration) {
        // date +%s has whole seconds, so one more makes the work last at least the duration asked for.
        // The clock is read only every few thousand rounds, so the CPU is spent by the shell itself rather than by
        // short-lived date processes, which some accounting (per-process times) would miss.
        return sh("end=$(( $(date +%s) + " + (Math.max(1, duration.toSeconds()) + 1) + " ));"
                + " while [ $(date +%s) -lt $end ]; do i=0; while [ $i -lt 5000 ]; do i=$((i+1)); done; done");
    }

    @Override
    public ProcessSpec.Builder allocateMemory(long bytes) {
        // dd allocates its block size at once and writes it all, so the pages are touched.
        return sh("dd if=/dev/zero of=/dev/null bs=" + bytes + " count=1 2>/dev/null");
    }

    @Override
    public ProcessSpec.Builder startProcesses(int count) {
        // The pids are collected from $! because $(jobs -p) runs in a subshell, which in dash has no jobs. They are
        // killed by an EXIT trap because busybox sh ends the script at the first refused fork; and the sleeps hold
        // none of the script's streams, so even a sleep that outlives it cannot keep an exec waiting.
        return sh("i=0; failed=0; pids=; trap 'kill $pids 2>/dev/null' EXIT;"
                + " while [ $i -lt " + count + " ]; do sleep 30 </dev/null >/dev/null 2>&1 & [ $? -eq 0 ] || failed=1; pids=\"$pids $!\";"
                + " i=$((i+1)); done; exit $failed");
    }

    @Override
    public ProcessSpec.Builder connectTcp(String host, int port, String message) {
        return sh("printf '%s' \"$3\" | nc -w 5 \"$1\" \"$2\"", host, Integer.toString(port), message);
    }

    @Override
    public ProcessSpec.Builder listenTcp(int port) {
        return ProcessSpec.builder("nc", "-l", "-p", Integer.toString(port));
    }

    @Override
    public ProcessSpec.Builder listProcessIds() {
        return sh("for p in /proc/[0-9]*; do echo \"${p#/proc/}\"; done");
    }

    @Override
    public ProcessSpec.Builder listNetworkInterfaces() {
        return sh("ls -1 /sys/class/net");
    }

    @Override
    public ProcessSpec.Builder printNamespace(String kind) {
        return sh("readlink /proc/self/ns/\"$1\"", kind);
    }

    @Override
    public ProcessSpec.Builder createSymlink(String target, String link) {
        return sh("ln -s -- \"$1\" \"$2\"", target, link);
    }

    @Override
    public ProcessSpec.Builder printMode(String path) {
        return sh("stat -c %a -- \"$1\"", path);
    }

    @Override
    public ProcessSpec.Builder signalProcess(long pid) {
        return sh("kill -9 \"$1\"", Long.toString(pid));
    }

    @Override
    public ProcessSpec.Builder tryToCreateSocket() {
        // nc reports the failing call with strerror: "Operation not permitted" is EPERM.
        return sh("out=$(nc -w 1 127.0.0.1 1 </dev/null 2>&1); rc=$?;"
                + " if [ $rc -gt 128 ]; then echo \"killed by signal $((rc - 128))\";"
                + " else case \"$out\" in *'Operation not permitted'*) echo EPERM;; *) printf 'socket: %s\\n' \"$out\" | head -n 1;; esac; fi;"
                + " echo alive");
    }

    /**
     * {@inheritDoc}
     *
     * @implNote A copy of {@code id}, looked up on {@code PATH} by hand (busybox's {@code command -v} names its applet, not a
     *           file). Where {@code id} is busybox, which drops a setuid for most applets, the copy is
     *           of busybox and {@code /etc/busybox.conf} keeps the setuid for {@code id} (busybox's own mechanism).
     */
    @Override
    public ProcessSpec.Builder installSetuidRootProgram(String dir) {
        return sh("set -e; mkdir -p \"$1\"; chmod 755 \"$1\"; p=; IFS=:; for d in $PATH:/usr/bin:/bin; do if [ -z \"$p\" ] && [ -x \"$d/id\" ]; then p=\"$d/id\"; fi; done; unset IFS;"
                + " real=$(readlink -f \"$p\");"
                + " case \"$real\" in */busybox) cp \"$real\" \"$1/busybox\"; prog=\"$1/busybox\";"
                + " printf '[SUID]\\nid = sxx 0.0\\n' > /etc/busybox.conf; chmod 644 /etc/busybox.conf;;"
                + " *) cp \"$real\" \"$1/id\"; prog=\"$1/id\";; esac; chmod 4755 \"$prog\"", dir);
    }

    @Override
    public ProcessSpec.Builder runSetuidRootProgram(String dir) {
        return sh("if [ -e \"$1/busybox\" ]; then exec \"$1/busybox\" id -u; else exec \"$1/id\" -u; fi", dir);
    }
}
