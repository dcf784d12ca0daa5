package dev.containerv.spi;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ProcessSpec;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The JVM's side of a {@link ProcessSpec}'s standard-stream redirects, for a provider whose processes reach the
 * JVM through pipes or sockets (the transports) rather than through file descriptors the JVM could hand over.
 * It serves every redirect that is not {@link Redirect#PIPE} the way {@link ProcessBuilder} does for a local
 * process:
 * <ul>
 * <li>{@link Redirect#INHERIT}: standard input is read from {@code System.in}, output written to
 *     {@code System.out} / {@code System.err} (the streams current at {@link #connect}), each flushed per chunk;
 * <li>{@link Redirect#from(File)}, {@link Redirect#to(File)}, {@link Redirect#appendTo(File)}: the host file,
 *     opened by {@link #open} so that a bad file fails the spawn before anything runs;
 * <li>{@link Redirect#DISCARD} (and {@code Redirect.from} the null device): nothing is transported;
 * <li>{@link ProcessSpec#redirectErrorStream()}: standard error goes where standard output goes, in arrival order;
 * <li>{@link ProcessSpec#stdoutLines()} and {@link ProcessSpec#stderrLines()}: the stream's lines go to the consumer
 *     (a {@link LineSink}), and the exposed stream is empty, as for a redirect.
 * </ul>
 * The JVM's own {@code System.in}, {@code System.out} and {@code System.err} are never closed.
 *
 * <p>Use, in a provider's spawn:
 * <pre>{@code
 * try (StdioRedirects stdio = StdioRedirects.open(spec, "myprovider::Container::spawn", id)) {
 *     // open a transport for each stream that needs one (needsStdinTransport() ...), start the process, then:
 *     StdioRedirects.ProcessStreams streams = stdio.connect(stdinPipe, stdoutPipe, stderrPipe);
 *     MyProcess p = new MyProcess(streams);   // getOutputStream() is streams.stdin(), ...
 *     streams.outputsServed().whenComplete((v, t) -> p.exit().complete(code)); // once the platform reports the exit
 *     stdio.endInputWith(p.onExit());
 *     return p;
 * }
 * }</pre>
 * {@link #close()} after a successful {@link #connect} leaves the pumps running; before it, it closes the files
 * {@link #open} opened. Pump threads are daemons named {@code containerv-<stream>-<container id>}; each ends when
 * its source ends (the process's output pipe at the exit, the input file at its end). Not thread-safe: one spawn
 * uses it from one thread.
 */
public final class StdioRedirects implements AutoCloseable {
    private static final int MERGE_BUFFER = 64 * 1024;

    private final ProcessSpec spec;
    private final String operation;
    private final String containerId;
    private final List<AutoCloseable> unclaimed = new ArrayList<>();
    private InputStream stdinFile;
    private OutputStream stdoutFile;
    private OutputStream stderrFile;
    private StreamPump inputPump;
    private boolean connected;

    private StdioRedirects(ProcessSpec spec, String operation, String containerId) {
        this.spec = spec;
        this.operation = operation;
        this.containerId = containerId;
    }

    /**
     * Opens the host files the redirects name, as {@link ProcessBuilder#start()} does before it runs anything.
     *
     * @param operation   names the operation in errors, such as {@code "linux::Container::spawn"}
     * @param containerId names the container in errors
     * @throws ContainerException {@code NOT_FOUND} if an input file, or the directory of an output file, does not
     *                            exist; {@code PERMISSION_DENIED} if a file cannot be opened otherwise; the message
     *                            names the stream and the file
     */
    public static StdioRedirects open(ProcessSpec spec, String operation, String containerId) {
        StdioRedirects s = new StdioRedirects(Objects.requireNonNull(spec, "spec"), Objects.requireNonNull(operation, "operation"),
                Objects.requireNonNull(containerId, "containerId"));
        try {
            if (spec.stdin().type() == Redirect.Type.READ && !isNullDevice(spec.stdin())) {
                s.stdinFile = s.claim(s.openInput(spec.stdin().file()));
            }
            s.stdoutFile = s.claim(s.openOutput("standard output", spec.stdout()));
            if (!spec.redirectErrorStream()) {
                s.stderrFile = s.claim(s.openOutput("standard error", spec.stderr()));
            }
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** Whether a redirect names the host's null device ({@link Redirect#DISCARD}'s file), which needs no transport. */
    public static boolean isNullDevice(Redirect redirect) {
        return redirect.file() != null && redirect.file().getPath().equals(Redirect.DISCARD.file().getPath());
    }

    /**
     * Whether the process's standard input needs a transport: {@code false} when it is redirected from the null
     * device, where the provider gives the process an empty input (its own null device, or a closed pipe).
     */
    public boolean needsStdinTransport() {
        return !isNullDevice(spec.stdin());
    }

    /** Whether the process's standard output needs a transport: {@code false} when it is discarded. */
    public boolean needsStdoutTransport() {
        return !isNullDevice(spec.stdout());
    }

    /**
     * Whether the process's standard error needs a transport of its own: {@code false} when it is discarded, or
     * merged into standard output ({@link ProcessSpec#redirectErrorStream()}). A provider whose transport cannot
     * merge opens one anyway and passes it to {@link #connect}, which then merges.
     */
    public boolean needsStderrTransport() {
        return !spec.redirectErrorStream() && !isNullDevice(spec.stderr());
    }

    /**
     * Connects the process's transports to what the redirects name and returns the streams the provider's
     * {@link Process} exposes. Each non-{@code PIPE} stream is served by a {@link StreamPump}; the exposed stream
     * for it is empty (an output stream that discards, an input stream at its end), as {@link ProcessBuilder}'s.
     *
     * @param stdin  the pipe into the process's standard input; {@code null} only if {@link #needsStdinTransport()} is false
     * @param stdout the pipe from its standard output; {@code null} only if {@link #needsStdoutTransport()} is false
     * @param stderr the pipe from its standard error; {@code null} if it needs none, or if the spec merges standard
     *               error and the provider's transport has merged it into {@code stdout} already. When the spec
     *               merges and {@code stderr} is given, the two are merged here, in arrival order.
     * @throws IllegalStateException    if called twice
     * @throws IllegalArgumentException if a transport that is needed is {@code null}
     */
    public ProcessStreams connect(OutputStream stdin, InputStream stdout, InputStream stderr) {
        if (connected) {
            throw new IllegalStateException("StdioRedirects.connect was called already for container " + containerId);
        }
        requireTransport(stdin, needsStdinTransport(), "stdin", spec.stdin());
        requireTransport(stdout, needsStdoutTransport(), "stdout", spec.stdout());
        requireTransport(stderr, needsStderrTransport(), "stderr", spec.stderr());
        connected = true;
        unclaimed.clear();
        List<CompletableFuture<Void>> served = new ArrayList<>();
        OutputStream processStdin = connectInput(stdin);
        InputStream processStdout;
        InputStream processStderr;
        if (spec.redirectErrorStream()) {
            processStderr = InputStream.nullInputStream();
            if (stderr == null) {
                processStdout = connectOutput("stdout", spec.stdout(), stdoutFile, System.out, stdout, served);
            } else if (spec.stdout().type() == Redirect.Type.PIPE && spec.stdoutLines().isEmpty()) {
                MergingPipe merged = new MergingPipe(MERGE_BUFFER, 2);
                pump("stdout", stdout == null ? InputStream.nullInputStream() : stdout, merged.sink());
                pump("stderr", stderr, merged.sink());
                processStdout = merged.source();
            } else {
                // Both pipes into one merged stream, which is served like an unmerged standard output.
                MergingPipe merged = new MergingPipe(MERGE_BUFFER, 2);
                pump("stdout", stdout == null ? InputStream.nullInputStream() : stdout, merged.sink());
                pump("stderr", stderr, merged.sink());
                processStdout = connectOutput("stdout", spec.stdout(), stdoutFile, System.out, merged.source(), served);
            }
        } else {
            processStdout = connectOutput("stdout", spec.stdout(), stdoutFile, System.out, stdout, served);
            processStderr = connectOutput("stderr", spec.stderr(), stderrFile, System.err, stderr, served);
        }
        return new ProcessStreams(processStdin, processStdout, processStderr,
                CompletableFuture.allOf(served.toArray(new CompletableFuture<?>[0])));
    }

    /**
     * Ends the pump that serves {@link Redirect#INHERIT} standard input when {@code exit} completes, so it takes
     * nothing more from {@code System.in} for a process that is gone. A read of {@code System.in} already waiting
     * at that moment (on a terminal, say) still returns with the next input, which is then dropped: the JDK offers
     * no way to abandon it.
     */
    public void endInputWith(CompletionStage<?> exit) {
        Objects.requireNonNull(exit, "exit");
        StreamPump p = inputPump;
        if (p != null) {
            exit.whenComplete((v, t) -> p.stop());
        }
    }

    /**
     * Before {@link #connect}: closes the files {@link #open} opened (the spawn failed before its streams were
     * connected). After it, nothing: the pumps own the files and end with the transports, which the provider closes
     * if the spawn fails later.
     */
    @Override
    public void close() {
        if (!connected) {
            for (AutoCloseable c : unclaimed) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.getLogger(StdioRedirects.class.getName()).log(System.Logger.Level.DEBUG, () -> "closing a redirect file: " + e);
                }
            }
            unclaimed.clear();
        }
    }

    /**
     * The streams a provider's {@link Process} exposes, and when the outputs served by the JVM have been written.
     *
     * @param stdin         for {@link Process#getOutputStream()}
     * @param stdout        for {@link Process#getInputStream()}
     * @param stderr        for {@link Process#getErrorStream()}
     * @param outputsServed completes when every output the JVM serves (file, inherit, discard) has been copied to
     *                      its end; a provider records the exit only after it, so that the file is complete when
     *                      {@code waitFor()} returns, as it is for a local process. Complete at once when no output is
     *                      served; never completes exceptionally.
     */
    public record ProcessStreams(OutputStream stdin, InputStream stdout, InputStream stderr, CompletableFuture<Void> outputsServed) {
        /** Checks that no component is {@code null}. */
        public ProcessStreams {
            Objects.requireNonNull(stdin, "stdin");
            Objects.requireNonNull(stdout, "stdout");
            Objects.requireNonNull(stderr, "stderr");
            Objects.requireNonNull(outputsServed, "outputsServed");
        }
    }

    private <T extends AutoCloseable> T claim(T c) {
        if (c != null) {
            unclaimed.add(c);
        }
        return c;
    }

    private InputStream openInput(File file) {
        try {
            return new FileInputStream(file);
        } catch (FileNotFoundException e) {
            throw ContainerException.builder(file.exists() ? ErrorKind.PERMISSION_DENIED : ErrorKind.NOT_FOUND,
                    "cannot read standard input from " + file + ": " + e.getMessage()).operation(operation).containerId(containerId).cause(e).build();
        }
    }

    private OutputStream openOutput(String stream, Redirect r) {
        if ((r.type() != Redirect.Type.WRITE && r.type() != Redirect.Type.APPEND) || isNullDevice(r)) {
            return null;
        }
        File file = r.file();
        try {
            return new FileOutputStream(file, r.type() == Redirect.Type.APPEND);
        } catch (FileNotFoundException e) {
            File dir = file.getAbsoluteFile().getParentFile();
            throw ContainerException.builder(dir != null && dir.isDirectory() ? ErrorKind.PERMISSION_DENIED : ErrorKind.NOT_FOUND,
                    "cannot write " + stream + " to " + file + ": " + e.getMessage()).operation(operation).containerId(containerId).cause(e).build();
        }
    }

    private void requireTransport(Object transport, boolean needed, String stream, Redirect r) {
        if (transport == null && needed) {
            throw new IllegalArgumentException("the " + stream + " of a process in container " + containerId + " is " + r
                    + ", which needs a transport; connect was given none");
        }
    }

    private OutputStream connectInput(OutputStream transport) {
        Redirect r = spec.stdin();
        if (r.type() == Redirect.Type.PIPE) {
            return transport == null ? OutputStream.nullOutputStream() : transport;
        }
        if (transport != null) {
            if (r.type() == Redirect.Type.INHERIT) {
                inputPump = pump("stdin", StreamPump.keepOpen(System.in), transport);
            } else if (stdinFile != null) {
                pump("stdin", stdinFile, transport);
            } else {
                closeQuietly(transport); // the null device: an empty input
            }
        }
        return OutputStream.nullOutputStream();
    }

    private InputStream connectOutput(String stream, Redirect r, OutputStream file, OutputStream jvmStream, InputStream transport,
                                      List<CompletableFuture<Void>> served) {
        java.util.Optional<java.util.function.Consumer<String>> lines = stream.equals("stdout") ? spec.stdoutLines() : spec.stderrLines();
        if (lines.isPresent() && transport != null) {
            LineSink sink = new LineSink(lines.get(), stream + " of " + spec.command() + " in container " + containerId);
            served.add(pump(stream, transport, sink).done());
            return InputStream.nullInputStream();
        }
        if (r.type() == Redirect.Type.PIPE) {
            return transport == null ? InputStream.nullInputStream() : transport;
        }
        OutputStream target = r.type() == Redirect.Type.INHERIT ? StreamPump.keepOpen(jvmStream)
                : file != null ? file : OutputStream.nullOutputStream();
        if (transport == null) {
            closeQuietly(target);
        } else {
            served.add(pump(stream, transport, target).done());
        }
        return InputStream.nullInputStream();
    }

    private StreamPump pump(String stream, InputStream from, OutputStream to) {
        return StreamPump.start("containerv-" + stream + "-" + containerId, from, to);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            System.getLogger(StdioRedirects.class.getName()).log(System.Logger.Level.DEBUG, () -> "closing an unused stream: " + e);
        }
    }
}
