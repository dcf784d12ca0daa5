package dev.containerv.linux.control;

import dev.containerv.linux.helper.HelperFailure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The codec against the frames helper C captured in src/test/resources/protocol (the C tests use the same files). */
class WireTest {
    private static byte[] captured(String name) throws IOException {
        try (InputStream in = WireTest.class.getResourceAsStream("/protocol/" + name)) {
            assertThat(in).as("captured frame " + name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static Wire.Message decodeOne(String name, boolean fromServer) throws IOException {
        List<Wire.Message> all = Wire.decodeAll(captured(name), fromServer);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    @Test
    void clientFramesEncodeExactlyAsCaptured() throws IOException {
        assertThat(Wire.encode(new Wire.Hello(1, Wire.ROLE_CONTROL, 0, 0, "", false))).isEqualTo(captured("hello-control.bin"));
        assertThat(Wire.encode(new Wire.Hello(1, Wire.ROLE_STREAM, 1, 0x0123456789abcdefL, "", false))).isEqualTo(captured("hello-stream.bin"));
        Wire.Spawn spawn = new Wire.Spawn(7, Wire.SPAWN_SEARCH_PATH | Wire.SPAWN_NO_NEW_PRIVS, 0, 0x1111, 0x1111, "",
                List.of("sh", "-c", "echo héllo"), List.of("PATH=/bin", "A=b c"), "/tmp", "bob:wheel",
                List.of(new Wire.Rlimit(7, 1024, 4096), new Wire.Rlimit(4, 0, -1)));
        assertThat(Wire.encode(spawn)).isEqualTo(captured("spawn.bin"));
        assertThat(Wire.encode(new Wire.Kill(12, 42, 15, Wire.KILL_GROUP))).isEqualTo(captured("kill.bin"));
        assertThat(Wire.encode(new Wire.Wait(13, 42))).isEqualTo(captured("wait.bin"));
        assertThat(Wire.encode(new Wire.Shutdown(14, 5000))).isEqualTo(captured("shutdown.bin"));
        assertThat(Wire.encode(new Wire.Ping(15))).isEqualTo(captured("ping.bin"));
    }

    @Test
    void serverFramesDecodeAsCaptured() throws IOException {
        assertThat(decodeOne("hello-server.bin", true)).isEqualTo(new Wire.Hello(1, 0, 0, 0, "1.0.0", true));
        assertThat(decodeOne("spawned.bin", true)).isEqualTo(new Wire.Spawned(7, 42, 4242));
        // An older helper's SPAWNED ends after the pid: the host pid is then unknown (0).
        ByteBuffer old = ByteBuffer.wrap(new byte[] {7, 0, 0, 0, 42, 0, 0, 0});
        assertThat(Wire.decode(Wire.SPAWNED, old, true)).isEqualTo(new Wire.Spawned(7, 42, 0));
        Wire.Exited code = (Wire.Exited) decodeOne("exited-code.bin", true);
        assertThat(code).isEqualTo(new Wire.Exited(7, 42, Wire.EXIT_EXITED, 3, 0x300));
        assertThat(code.exitValue()).isEqualTo(3);
        Wire.Exited sig = (Wire.Exited) decodeOne("exited-signal.bin", true);
        assertThat(sig.exitValue()).isEqualTo(137);
        assertThat(decodeOne("error-exec.bin", true))
                .isEqualTo(new Wire.Error(9, new HelperFailure("exec", "execve", "ENOENT", 2, "/bin/nope", "")));
        assertThat(decodeOne("ok.bin", true)).isEqualTo(new Wire.Ok(10));
        assertThat(decodeOne("pong.bin", true)).isEqualTo(new Wire.Pong(11, 1, 3, "1.0.0"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello-server.bin", "spawned.bin", "exited-code.bin", "exited-signal.bin", "error-exec.bin", "ok.bin", "pong.bin"})
    void serverFramesReEncodeByteForByte(String name) throws IOException {
        assertThat(Wire.encode(decodeOne(name, true))).isEqualTo(captured(name));
    }

    @Test
    void readerSplitsAStreamOfFramesAndEndsCleanlyBetweenFrames() throws IOException {
        byte[] a = captured("spawned.bin");
        byte[] b = captured("exited-code.bin");
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        Wire.Reader r = new Wire.Reader(Channels.newChannel(new java.io.ByteArrayInputStream(both)), true);
        assertThat(r.next()).isInstanceOf(Wire.Spawned.class);
        assertThat(r.next()).isInstanceOf(Wire.Exited.class);
        assertThat(r.next()).isNull();
    }

    @Test
    void readerRejectsTruncatedFramesAndBadLengths() throws IOException {
        byte[] a = captured("pong.bin");
        byte[] cut = java.util.Arrays.copyOf(a, a.length - 3);
        Wire.Reader r = new Wire.Reader(Channels.newChannel(new java.io.ByteArrayInputStream(cut)), true);
        assertThatThrownBy(r::next).isInstanceOf(java.io.EOFException.class);
        byte[] bad = {1, 0, 0, 0, 9, 0};
        assertThatThrownBy(() -> new Wire.Reader(Channels.newChannel(new java.io.ByteArrayInputStream(bad)), true).next())
                .hasMessageContaining("bad frame length 1");
    }

    @Test
    void payloadMustBeConsumedExactly() {
        ByteBuffer ok = ByteBuffer.wrap(new byte[] {10, 0, 0, 0, 99});
        assertThatThrownBy(() -> Wire.decode(Wire.OK, ok, true)).hasMessageContaining("1 trailing bytes");
        ByteBuffer tooShort = ByteBuffer.wrap(new byte[] {10, 0});
        assertThatThrownBy(() -> Wire.decode(Wire.SPAWNED, tooShort, true)).hasMessageContaining("too short");
    }

    @Test
    void unknownFrameTypesAreKeptWithTheirRequestId() throws IOException {
        Wire.Message m = Wire.decode(99, ByteBuffer.wrap(new byte[] {5, 0, 0, 0, 1}), true);
        assertThat(m).isInstanceOf(Wire.Unknown.class);
        assertThat(m.reqId()).isEqualTo(5);
    }

    @Test
    void largeFramesAreSplitAcrossReads() throws IOException {
        String big = "x".repeat(200_000);
        byte[] frame = Wire.encode(new Wire.Pong(1, 1, 0, big));
        Wire.Reader r = new Wire.Reader(Channels.newChannel(new java.io.ByteArrayInputStream(frame)), true);
        assertThat(((Wire.Pong) r.next()).helperVersion()).hasSize(200_000);
    }
}
