package dev.containerv.linux.control;

import dev.containerv.linux.helper.HelperFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** connect against a stand-in for the init's control server on a Unix socket. */
@Timeout(60)
class ControlConnectionTest {
    @TempDir
    Path tmp;

    /** What the stand-in does with one client once it has read its HELLO. */
    @FunctionalInterface
    private interface Server {
        void serve(SocketChannel client, Wire.Reader in) throws Exception;
    }

    private CompletableFuture<Void> serveOnce(Path socket, Server server) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(socket));
        return CompletableFuture.runAsync(() -> {
            try (listener; SocketChannel client = listener.accept()) {
                Wire.Reader in = new Wire.Reader(client, false);
                assertThat(in.next()).isInstanceOfSatisfying(Wire.Hello.class, h -> assertThat(h.role()).isEqualTo(Wire.ROLE_CONTROL));
                server.serve(client, in);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static void send(SocketChannel ch, Wire.Message m) throws IOException {
        ControlConnection.writeFully(ch, Wire.encode(m));
    }

    private static List<Thread> readers(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("containerv-control-" + name) && t.isAlive()).toList();
    }

    /** meanwhile runs, the init's HELLO is read by the reader thread, and the connection then carries requests. */
    @Test
    void meanwhileRunsAndTheConnectionThenCarriesRequests() throws Exception {
        Path socket = tmp.resolve("control");
        CompletableFuture<Void> server = serveOnce(socket, (client, in) -> {
            send(client, new Wire.Hello(Wire.VERSION, 0, 0, 0, "test-1", true));
            Wire.Message ping = in.next();
            assertThat(ping).isInstanceOf(Wire.Ping.class);
            send(client, new Wire.Pong(ping.reqId(), Wire.VERSION, 0, "test-1"));
            assertThat(in.next()).isNull();
        });
        AtomicBoolean ran = new AtomicBoolean();
        try (ControlConnection c = ControlConnection.connect(socket, "ok", () -> ran.set(true))) {
            assertThat(ran).isTrue();
            assertThat(c.helperVersion()).isEqualTo("test-1");
            CompletableFuture<Wire.Message> answer = new CompletableFuture<>();
            long id = c.newRequestId();
            c.send(id, Wire.encode(new Wire.Ping(id)), new ControlConnection.Receiver() {
                @Override
                public void answer(Wire.Message message) {
                    answer.complete(message);
                }

                @Override
                public void disconnected(IOException cause) {
                    answer.completeExceptionally(cause);
                }
            });
            assertThat(answer.get(10, TimeUnit.SECONDS)).isInstanceOf(Wire.Pong.class);
        }
        server.get(10, TimeUnit.SECONDS);
    }

    /** A refusal, an end before the answer, or a wrong version: connect throws saying so, and no reader thread is left. */
    @Test
    void aRefusedOrMissingHelloFailsTheConnectAndLeavesNoReaderThread() throws Exception {
        Path refused = tmp.resolve("refused");
        CompletableFuture<Void> s1 = serveOnce(refused, (client, in) -> send(client,
                new Wire.Error(0, new HelperFailure("control-accept", "accept", "EACCES", 13, "", "not from inside"))));
        assertThatThrownBy(() -> ControlConnection.connect(refused, "refused", () -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("refused the connection").hasMessageContaining("EACCES");
        s1.get(10, TimeUnit.SECONDS);
        assertThat(readers("refused")).isEmpty();

        Path ended = tmp.resolve("ended");
        CompletableFuture<Void> s2 = serveOnce(ended, (client, in) -> { });
        assertThatThrownBy(() -> ControlConnection.connect(ended, "ended", () -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("expected HELLO version " + Wire.VERSION);
        s2.get(10, TimeUnit.SECONDS);
        assertThat(readers("ended")).isEmpty();

        Path wrong = tmp.resolve("wrong");
        CompletableFuture<Void> s3 = serveOnce(wrong, (client, in) -> send(client, new Wire.Hello(Wire.VERSION + 1, 0, 0, 0, "x", true)));
        assertThatThrownBy(() -> ControlConnection.connect(wrong, "wrong", () -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("expected HELLO version " + Wire.VERSION);
        s3.get(10, TimeUnit.SECONDS);
        assertThat(readers("wrong")).isEmpty();
    }

    /**
     * A connection's reader runs under its name, and a connection made after an earlier one ended takes the earlier
     * one's reader thread (idle in the pool) instead of starting a thread of its own.
     */
    @Test
    void theNextConnectionTakesTheReaderThreadOfOneThatEnded() throws Exception {
        Path first = tmp.resolve("first");
        CompletableFuture<Void> s1 = serveOnce(first, (client, in) -> {
            send(client, new Wire.Hello(Wire.VERSION, 0, 0, 0, "test-1", true));
            assertThat(in.next()).isNull();
        });
        ControlConnection c1 = ControlConnection.connect(first, "first", () -> { });
        Thread reader = awaitOne("first");
        c1.close();
        c1.onClose().get(10, TimeUnit.SECONDS);
        s1.get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // Back in the pool: renamed, and waiting for the next connection's work.
        while ((!readers("first").isEmpty() || reader.getState() != Thread.State.TIMED_WAITING) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(readers("first")).isEmpty();

        Path second = tmp.resolve("second");
        CompletableFuture<Void> s2 = serveOnce(second, (client, in) -> {
            send(client, new Wire.Hello(Wire.VERSION, 0, 0, 0, "test-1", true));
            assertThat(in.next()).isNull();
        });
        try (ControlConnection c2 = ControlConnection.connect(second, "second", () -> { })) {
            assertThat(awaitOne("second")).as("the reader of the connection that ended").isSameAs(reader);
        }
        s2.get(10, TimeUnit.SECONDS);
    }

    private static Thread awaitOne(String name) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<Thread> seen = readers(name);
        while (seen.size() != 1 && System.nanoTime() < deadline) {
            Thread.sleep(5);
            seen = readers(name);
        }
        assertThat(seen).as("reader threads named for " + name).hasSize(1);
        return seen.get(0);
    }

    /** meanwhile fails (the create's state.json write): the connection is closed, its reader gone, the failure thrown. */
    @Test
    void aFailingMeanwhileClosesTheConnectionAndLeavesNoReaderThread() throws Exception {
        Path socket = tmp.resolve("control");
        CompletableFuture<Void> server = serveOnce(socket, (client, in) -> {
            // No answer: meanwhile fails first; the stand-in only sees the client's end.
            assertThat(in.next()).isNull();
        });
        assertThatThrownBy(() -> ControlConnection.connect(socket, "meanwhile", () -> {
            throw new IOException("disk full");
        })).isInstanceOf(IOException.class).hasMessage("disk full");
        server.get(10, TimeUnit.SECONDS);
        assertThat(readers("meanwhile")).isEmpty();
    }
}
