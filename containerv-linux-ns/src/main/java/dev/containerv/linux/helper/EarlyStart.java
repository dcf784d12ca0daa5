package dev.containerv.linux.helper;

import dev.containerv.linux.plan.Percent;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A supervisor started before its plan is written: {@code containerv-helper init <plan> early}, rootless
 * {@code init <plan> early userns-self} (protocol section 1). The process start runs on a thread of its own, and rootless the
 * helper makes its user namespace and executes itself again inside it, while the create claims the state directory
 * and writes the plan, instead of after that work (a create as a normal user was about 2.5 ms shorter on this
 * 2-CPU machine). {@link #process} waits for the start, {@link #go} sends the line naming the log, which says that the
 * plan is written (the log becomes the helper's stderr); {@link #discard} ends a start that a failed create no longer needs (end of file on its stdin:
 * it exits having made nothing). stdin is the owner pipe and stdout the status pipe, as for
 * {@link InitLauncher#readStatus}. Used by one create, on one thread.
 *
 * <p>A warm standby ({@link #standby}, held by {@link Standbys}) is started before its create is known, as
 * {@code init <room> standby:<idle-ms> [userns-self]}: {@link #forPlan} names the plan it is given, and its line then names
 * the plan too ({@code <plan-path> <log-path>}), which it writes over the room on its command line.
 */
public final class EarlyStart {
    private final CompletableFuture<Process> started;
    /** A standby's plan, named on its line; {@code null} for a start whose command line names it. */
    private final Path standbyPlan;

    private EarlyStart(CompletableFuture<Process> started, Path standbyPlan) {
        this.started = started;
        this.standbyPlan = standbyPlan;
    }

    /** Starts the helper on a new daemon thread ({@code containerv-helper-start}, which ends with the start). */
    public static EarlyStart begin(Path helper, Path planFile, boolean usernsSelf) {
        // The command line names the plan, as a supervisor started after it: ps (and the tests) find it by that.
        List<String> command = usernsSelf ? List.of(helper.toString(), "init", planFile.toString(), "early", "userns-self")
                : List.of(helper.toString(), "init", planFile.toString(), "early");
        return new EarlyStart(start(command), null);
    }

    /**
     * Starts a standby on a new daemon thread: {@code init <room> standby:<idle-ms> [userns-self]}, the room {@code room}
     * characters that a plan path of at most as many bytes replaces on its command line; not given a line within
     * {@code idle}, it exits by itself.
     */
    static EarlyStart standby(Path helper, int room, boolean usernsSelf, Duration idle) {
        String placeholder = "-".repeat(room);
        String word = "standby:" + Math.max(1, idle.toMillis());
        List<String> command = usernsSelf ? List.of(helper.toString(), "init", placeholder, word, "userns-self")
                : List.of(helper.toString(), "init", placeholder, word);
        return new EarlyStart(start(command), null);
    }

    /** This standby, given to the create of {@code planFile}: its line will name that plan. */
    EarlyStart forPlan(Path planFile) {
        return new EarlyStart(started, planFile);
    }

    /** Whether the start has ended, and the process with it (a standby that can no longer be given a plan). */
    boolean hasEnded() {
        return started.isDone() && (started.isCompletedExceptionally() || !started.join().isAlive());
    }

    private static CompletableFuture<Process> start(List<String> command) {
        // Its stderr is the log once it has read the line; before, it has nothing to say that the status line does not.
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(Redirect.PIPE).redirectOutput(Redirect.PIPE)
                .redirectError(Redirect.DISCARD);
        // The helper reads no variable, and the init is a copy of it: /proc/1/environ must show nothing of the JVM's.
        pb.environment().clear();
        CompletableFuture<Process> started = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                started.complete(pb.start());
            } catch (IOException e) {
                started.completeExceptionally(new UncheckedIOException(e));
            } catch (RuntimeException | Error e) {
                started.completeExceptionally(e);
            }
        }, "containerv-helper-start");
        t.setDaemon(true);
        t.start();
        return started;
    }

    /**
     * The started supervisor, still waiting for {@link #go}.
     *
     * @throws IOException when the helper could not be started
     */
    public Process process() throws IOException {
        return join();
    }

    /**
     * Tells the supervisor that its plan is written and where its log is: from here it creates the container. A
     * supervisor that has ended already (it could not make its user namespace) is told nothing: its status line says
     * why.
     *
     * @throws IOException when the helper could not be started
     */
    public void go(Path log) throws IOException {
        Process p = join();
        String plan = standbyPlan == null ? "" : Percent.encode(standbyPlan.toString()) + " ";
        byte[] line = (plan + Percent.encode(log.toString()) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            OutputStream in = p.getOutputStream();
            in.write(line);
            in.flush();
        } catch (IOException e) {
            // It ended before it read the line (EPIPE): the status line, or its exit, tells the caller why.
        }
    }

    /** Ends a start the create did not use: end of file on its stdin, then its exit (killed after 5 s). */
    public void discard() {
        Process p;
        try {
            p = join();
        } catch (IOException e) {
            return;
        }
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            // it has ended
        }
        if (InitLauncher.waitQuietly(p, Duration.ofSeconds(5)) == Integer.MIN_VALUE) {
            p.destroyForcibly();
            InitLauncher.waitQuietly(p, Duration.ofSeconds(5));
        }
    }

    private Process join() throws IOException {
        try {
            return started.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
