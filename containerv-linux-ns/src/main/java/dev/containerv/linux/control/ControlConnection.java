package dev.containerv.linux.control;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one persistent control connection of a container object: requests are pipelined under a write
 * lock, answers are matched by request id on a single reader thread, and EXITED frames are pushed to
 * the process that was spawned with that request id. Thread-safe.
 */
public final class ControlConnection implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ControlConnection.class.getName());

    /** Receives the answers to one request; a SPAWN's receiver also gets its pushed EXITED later. */
    public interface Receiver {
        /** The first answer (SPAWNED, OK, PONG, EXITED for WAIT, or ERROR). */
        void answer(Wire.Message message);

        /** An EXITED pushed for a spawned process; only SPAWN receivers get it. */
        default void exited(Wire.Exited exited) {
        }

        /** The connection ended before the request was complete. */
        void disconnected(IOException cause);
    }

    private final SocketChannel channel;
    private final Path socket;
    private final String helperVersion;
    private final Map<Long, Receiver> pending = new ConcurrentHashMap<>();
    private final AtomicLong nextReqId = new AtomicLong(1);
    private final Object writeLock = new Object();
    private final CompletableFuture<IOException> closed = new CompletableFuture<>();
    private final String name;

    private ControlConnection(SocketChannel channel, Path socket, String helperVersion, String name) {
        this.channel = channel;
        this.socket = socket;
        this.helperVersion = helperVersion;
        this.name = name;
    }

    /**
     * Connects, says HELLO as CONTROL and reads the server's HELLO.
     *
     * @throws IOException if the socket cannot be reached or the server does not speak version 1
     */
    public static ControlConnection connect(Path socket, String name) throws IOException {
        return connect(socket, name, () -> {
        });
    }

    /** Work done while a HELLO is on its way: it may throw, and then the connection is closed. */
    @FunctionalInterface
    public interface Meanwhile {
        void run() throws IOException;
    }

    /**
     * {@link #connect(Path, String)}, running {@code meanwhile} between sending HELLO and reading the answer, so the two
     * sides work at the same time (the create writes {@code state.json} there).
     */
    public static ControlConnection connect(Path socket, String name, Meanwhile meanwhile) throws IOException {
        SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        try {
            writeFully(ch, Wire.encode(new Wire.Hello(Wire.VERSION, Wire.ROLE_CONTROL, 0, 0, "", false)));
            meanwhile.run();
            Wire.Message m = new Wire.Reader(ch, true).next();
            if (m instanceof Wire.Error e) {
                throw new IOException("the container's init refused the connection: " + e.failure());
            }
            if (!(m instanceof Wire.Hello h) || h.version() != Wire.VERSION) {
                throw new IOException("the container's init answered HELLO with " + m + ", expected HELLO version " + Wire.VERSION);
            }
            ControlConnection c = new ControlConnection(ch, socket, h.helperVersion(), name);
            c.startReader();
            return c;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Opens a STREAM connection that the init will hand to a spawned program: writes HELLO with the
     * token; afterwards the channel carries only the program's bytes.
     */
    public SocketChannel openStream(int fd, long token) throws IOException {
        SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        try {
            writeFully(ch, Wire.encode(new Wire.Hello(Wire.VERSION, Wire.ROLE_STREAM, fd, token, "", false)));
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    public String helperVersion() {
        return helperVersion;
    }

    /** A fresh request id (never 0). */
    public long newRequestId() {
        long id;
        do {
            id = nextReqId.getAndIncrement() & 0xffffffffL;
        } while (id == 0);
        return id;
    }

    /**
     * Registers the receiver for {@code reqId}, then sends the frame.
     *
     * @throws IOException if the connection is closed or the write fails (the receiver is then removed)
     */
    public void send(long reqId, byte[] frame, Receiver receiver) throws IOException {
        if (closed.isDone()) {
            throw new IOException("the control connection is closed", closed.getNow(null));
        }
        pending.put(reqId, receiver);
        try {
            synchronized (writeLock) {
                writeFully(channel, frame);
            }
        } catch (IOException e) {
            pending.remove(reqId);
            throw e;
        }
        if (closed.isDone() && pending.remove(reqId) != null) {
            throw new IOException("the control connection closed", closed.getNow(null));
        }
    }

    /** Sends a request and waits for its first answer. */
    public CompletableFuture<Wire.Message> request(long reqId, byte[] frame) {
        CompletableFuture<Wire.Message> f = new CompletableFuture<>();
        try {
            send(reqId, frame, new Receiver() {
                @Override
                public void answer(Wire.Message message) {
                    f.complete(message);
                }

                @Override
                public void exited(Wire.Exited exited) {
                    f.complete(exited);
                }

                @Override
                public void disconnected(IOException cause) {
                    f.completeExceptionally(cause);
                }
            });
        } catch (IOException e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    /** Completes (with the cause, or {@code null} for a clean end) when the connection has ended. */
    public CompletableFuture<IOException> onClose() {
        return closed;
    }

    public boolean isOpen() {
        return !closed.isDone();
    }

    /** On a thread kept from an ended connection when one waits ({@link ReaderThreads}). */
    private void startReader() {
        ReaderThreads.run(name, this::readLoop);
    }

    private void readLoop() {
        Wire.Reader in = new Wire.Reader(channel, true);
        IOException cause = null;
        try {
            Wire.Message m;
            while ((m = in.next()) != null) {
                dispatch(m);
            }
            cause = new IOException("the container's init closed the control connection");
        } catch (IOException e) {
            cause = channel.isOpen() ? e : new IOException("the control connection was closed", e);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "control connection reader failed", e);
            cause = new IOException("the control connection reader failed: " + e, e);
        } finally {
            closed.complete(cause);
            try {
                channel.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing the control channel", e);
            }
            IOException c = cause;
            pending.values().forEach(r -> r.disconnected(c));
            pending.clear();
        }
    }

    private void dispatch(Wire.Message m) {
        long id = m.reqId();
        if (m instanceof Wire.Spawned) {
            Receiver r = pending.get(id);
            if (r != null) {
                r.answer(m);
            }
            return;
        }
        if (m instanceof Wire.Exited x) {
            Receiver r = pending.remove(id);
            if (r != null) {
                r.exited(x);
            }
            return;
        }
        Receiver r = pending.remove(id);
        if (r != null) {
            r.answer(m);
        } else {
            LOG.log(Level.DEBUG, () -> "unmatched frame from the container's init: " + m);
        }
    }

    static void writeFully(SocketChannel ch, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Closes the connection; pending requests fail. Idempotent. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing the control channel", e);
        }
    }
}
