package dev.containerv.cli;

import dev.containerv.api.Signal;
import dev.containerv.spi.AbstractContainerProcess;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.util.concurrent.CountDownLatch;

/** A process whose behaviour is a piece of Java running on its own thread, with piped streams. */
final class FakeProcess extends AbstractContainerProcess {
    /** What the process does; returns its exit code. */
    interface Behaviour {
        int run(InputStream stdin, OutputStream stdout, OutputStream stderr, FakeProcess self) throws Exception;
    }

    private final String containerId;
    private final PipedOutputStream stdinWriter = new PipedOutputStream();
    /** Pipes, like the sockets a container process's output comes through: their close ends a read that waits. */
    private final InputStream stdoutReader;
    private final InputStream stderrReader;
    private final CountDownLatch destroyed = new CountDownLatch(1);
    private volatile boolean keepOutputOpen;

    FakeProcess(String containerId, Behaviour behaviour) {
        this.containerId = containerId;
        PipedInputStream stdin;
        OutputStream stdout;
        OutputStream stderr;
        try {
            stdin = new PipedInputStream(stdinWriter, 64 * 1024);
            Pipe out = Pipe.open();
            Pipe err = Pipe.open();
            stdoutReader = Channels.newInputStream(out.source());
            stderrReader = Channels.newInputStream(err.source());
            stdout = Channels.newOutputStream(out.sink());
            stderr = Channels.newOutputStream(err.sink());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread t = new Thread(() -> {
            int code;
            try {
                code = behaviour.run(stdin, stdout, stderr, this);
            } catch (Exception e) {
                code = 255;
            }
            if (!keepOutputOpen) {
                closeQuietly(stdout);
                closeQuietly(stderr);
            }
            exit().complete(code);
        }, "fake-process");
        t.setDaemon(true);
        t.start();
    }

    /** Exits with the code after writing both texts. */
    static Behaviour printing(String out, String err, int code) {
        return (in, stdout, stderr, self) -> {
            stdout.write(out.getBytes());
            stderr.write(err.getBytes());
            return code;
        };
    }

    /** Copies standard input to standard output, like cat. */
    static Behaviour cat() {
        return (in, stdout, stderr, self) -> {
            in.transferTo(stdout);
            return 0;
        };
    }

    /** Runs until destroyed, then exits as a SIGTERM death. */
    static Behaviour untilDestroyed() {
        return (in, stdout, stderr, self) -> {
            self.destroyed.await();
            return 143;
        };
    }

    /** Leaves standard output and error open after the exit, as a background child holding them would. */
    FakeProcess keepOutputOpen() {
        keepOutputOpen = true;
        return this;
    }

    boolean wasDestroyed() {
        return destroyed.getCount() == 0;
    }

    private static void closeQuietly(OutputStream s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // the reader went away
        }
    }

    @Override
    public OutputStream getOutputStream() {
        return stdinWriter;
    }

    @Override
    public InputStream getInputStream() {
        return stdoutReader;
    }

    @Override
    public InputStream getErrorStream() {
        return stderrReader;
    }

    /** Any signal ends a process that runs {@link #untilDestroyed()}. */
    @Override
    protected void signal(Signal signal) {
        destroyed.countDown();
    }

    @Override
    protected String describe() {
        return "fake process in " + containerId;
    }

    @Override
    public long pid() {
        return 4242;
    }

    @Override
    public long containerPid() {
        return 7;
    }

    @Override
    public String containerId() {
        return containerId;
    }
}
