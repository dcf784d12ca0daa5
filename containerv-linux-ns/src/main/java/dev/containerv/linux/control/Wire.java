package dev.containerv.linux.control;

import dev.containerv.linux.helper.HelperFailure;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The control-socket wire protocol, version 1 (docs/linux-helper-protocol.md section 5): frames
 * {@code u32 length | u16 type | payload}, little-endian integers, length-prefixed strings. Both
 * directions are encoded and decoded here, so tests can play either end. No I/O except {@link Reader}.
 */
public final class Wire {
    /** The wire protocol version spoken. */
    public static final int VERSION = 1;
    public static final int HELLO = 1;
    public static final int ERROR = 2;
    public static final int PING = 3;
    public static final int PONG = 4;
    public static final int SPAWN = 5;
    public static final int SPAWNED = 6;
    public static final int EXITED = 7;
    public static final int KILL = 8;
    public static final int OK = 9;
    public static final int WAIT = 10;
    public static final int SHUTDOWN = 11;

    public static final int ROLE_CONTROL = 1;
    public static final int ROLE_STREAM = 2;

    public static final int SPAWN_SEARCH_PATH = 1;
    public static final int SPAWN_SETSID = 2;
    public static final int SPAWN_NO_NEW_PRIVS = 4;
    /** The init sets {@code HOME} to the home of the resolved user from the container's {@code /etc/passwd}. */
    public static final int SPAWN_HOME_FROM_PASSWD = 8;
    public static final int KILL_GROUP = 1;
    public static final int EXIT_EXITED = 1;
    public static final int EXIT_SIGNALED = 2;

    /** The largest value of the length field. */
    public static final int MAX_FRAME = 4 * 1024 * 1024;
    static final int MAX_STRING = 1024 * 1024;
    static final int MAX_LIST = 65536;

    private Wire() {
    }

    /** A decoded frame. */
    public sealed interface Message {
        /** The request id the frame answers, 0 for frames without one. */
        long reqId();
    }

    public record Hello(long version, int role, int fd, long token, String helperVersion, boolean fromServer) implements Message {
        @Override
        public long reqId() {
            return 0;
        }
    }

    public record Error(long reqId, HelperFailure failure) implements Message {
    }

    public record Ping(long reqId) implements Message {
    }

    public record Pong(long reqId, long version, long liveProcesses, String helperVersion) implements Message {
    }

    public record Rlimit(int resource, long soft, long hard) {
    }

    /** A SPAWN request (section 5.4). Tokens are 0 for /dev/null. */
    public record Spawn(long reqId, int flags, long stdinToken, long stdoutToken, long stderrToken, String execPath,
                        List<String> argv, List<String> envp, String cwd, String user, List<Rlimit> rlimits) implements Message {
    }

    /**
     * SPAWNED: {@code pid} in the container's pid namespace, {@code hostPid} where the JVM is (0 when the helper could
     * not tell, or is an older one whose frame ends after the pid).
     */
    public record Spawned(long reqId, long pid, long hostPid) implements Message {
    }

    /** EXITED: {@code kind} 1 = exited with {@code value}, 2 = killed by signal {@code value}. */
    public record Exited(long reqId, long pid, int kind, int value, int rawStatus) implements Message {
        /** The exit value as {@link Process#exitValue()} gives it: a death by signal n is 128 + n. */
        public int exitValue() {
            return kind == EXIT_SIGNALED ? 128 + value : value;
        }
    }

    public record Kill(long reqId, int pid, int signal, int flags) implements Message {
    }

    public record Ok(long reqId) implements Message {
    }

    public record Wait(long reqId, long pid) implements Message {
    }

    public record Shutdown(long reqId, long graceMs) implements Message {
    }

    /** A frame whose type this version does not know. */
    public record Unknown(int type, byte[] payload) implements Message {
        @Override
        public long reqId() {
            return payload.length >= 4 ? ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).getInt(0) & 0xffffffffL : 0;
        }
    }

    // ---- encoding ----

    /** Encodes a message as one complete frame. */
    public static byte[] encode(Message m) {
        Out o = new Out();
        if (m instanceof Hello h) {
            o.u32(h.version());
            if (h.fromServer()) {
                o.str(h.helperVersion());
            } else {
                o.u16(h.role()).u16(h.fd()).u64(h.token());
            }
            return o.frame(HELLO);
        } else if (m instanceof Error e) {
            HelperFailure f = e.failure();
            o.u32(e.reqId()).str(f.step()).str(f.syscall()).str(f.errnoName()).u32(f.errnoNumber()).str(f.path()).str(f.detail());
            return o.frame(ERROR);
        } else if (m instanceof Ping p) {
            return o.u32(p.reqId()).frame(PING);
        } else if (m instanceof Pong p) {
            return o.u32(p.reqId()).u32(p.version()).u32(p.liveProcesses()).str(p.helperVersion()).frame(PONG);
        } else if (m instanceof Spawn s) {
            o.u32(s.reqId()).u32(s.flags()).u64(s.stdinToken()).u64(s.stdoutToken()).u64(s.stderrToken())
                    .str(s.execPath()).list(s.argv()).list(s.envp()).str(s.cwd()).str(s.user()).u32(s.rlimits().size());
            for (Rlimit r : s.rlimits()) {
                o.u32(r.resource()).u64(r.soft()).u64(r.hard());
            }
            return o.frame(SPAWN);
        } else if (m instanceof Spawned s) {
            return o.u32(s.reqId()).u32(s.pid()).u32(s.hostPid()).frame(SPAWNED);
        } else if (m instanceof Exited x) {
            return o.u32(x.reqId()).u32(x.pid()).u32(x.kind()).u32(x.value()).u32(x.rawStatus()).frame(EXITED);
        } else if (m instanceof Kill k) {
            return o.u32(k.reqId()).u32(k.pid()).u32(k.signal()).u32(k.flags()).frame(KILL);
        } else if (m instanceof Ok k) {
            return o.u32(k.reqId()).frame(OK);
        } else if (m instanceof Wait w) {
            return o.u32(w.reqId()).u32(w.pid()).frame(WAIT);
        } else if (m instanceof Shutdown s) {
            return o.u32(s.reqId()).u32(s.graceMs()).frame(SHUTDOWN);
        } else {
            Unknown u = (Unknown) m;
            o.bytes(u.payload());
            return o.frame(u.type());
        }
    }

    // ---- decoding ----

    /**
     * Decodes one frame's payload. {@code fromServer} tells the direction, which decides the HELLO layout.
     *
     * @throws ProtocolException for a payload that is short, long or malformed
     */
    public static Message decode(int type, ByteBuffer payload, boolean fromServer) throws ProtocolException {
        In in = new In(payload.order(ByteOrder.LITTLE_ENDIAN));
        Message m = switch (type) {
            case HELLO -> fromServer
                    ? new Hello(in.u32(), 0, 0, 0, in.str(), true)
                    : new Hello(in.u32(), in.u16(), in.u16(), in.u64(), "", false);
            case ERROR -> {
                long req = in.u32();
                String step = in.str();
                String syscall = in.str();
                String errnoName = in.str();
                int errno = in.i32();
                yield new Error(req, new HelperFailure(step, syscall, errnoName, errno, in.str(), in.str()));
            }
            case PING -> new Ping(in.u32());
            case PONG -> new Pong(in.u32(), in.u32(), in.u32(), in.str());
            case SPAWN -> {
                long req = in.u32();
                int flags = in.i32();
                long t0 = in.u64();
                long t1 = in.u64();
                long t2 = in.u64();
                String exec = in.str();
                List<String> argv = in.list();
                List<String> envp = in.list();
                String cwd = in.str();
                String user = in.str();
                long n = in.u32();
                if (n > 64) {
                    throw new ProtocolException("rlimit count " + n);
                }
                List<Rlimit> rl = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    rl.add(new Rlimit(in.i32(), in.u64(), in.u64()));
                }
                yield new Spawn(req, flags, t0, t1, t2, exec, argv, envp, cwd, user, rl);
            }
            case SPAWNED -> new Spawned(in.u32(), in.u32(), payload.remaining() >= 4 ? in.u32() : 0);
            case EXITED -> new Exited(in.u32(), in.u32(), in.i32(), in.i32(), in.i32());
            case KILL -> new Kill(in.u32(), in.i32(), in.i32(), in.i32());
            case OK -> new Ok(in.u32());
            case WAIT -> new Wait(in.u32(), in.u32());
            case SHUTDOWN -> new Shutdown(in.u32(), in.u32());
            default -> {
                byte[] rest = new byte[payload.remaining()];
                payload.get(rest);
                yield new Unknown(type, rest);
            }
        };
        if (payload.hasRemaining()) {
            throw new ProtocolException(payload.remaining() + " trailing bytes in frame type " + type);
        }
        return m;
    }

    /** Decodes complete frames from a byte array (for captured message files). */
    public static List<Message> decodeAll(byte[] frames, boolean fromServer) throws ProtocolException {
        ByteBuffer b = ByteBuffer.wrap(frames).order(ByteOrder.LITTLE_ENDIAN);
        List<Message> out = new ArrayList<>();
        while (b.hasRemaining()) {
            if (b.remaining() < 6) {
                throw new ProtocolException("truncated frame header");
            }
            long len = b.getInt() & 0xffffffffL;
            if (len < 2 || len > MAX_FRAME || len > b.remaining()) {
                throw new ProtocolException("bad frame length " + len);
            }
            int type = b.getShort() & 0xffff;
            ByteBuffer payload = b.slice().limit((int) len - 2);
            b.position(b.position() + (int) len - 2);
            out.add(decode(type, payload, fromServer));
        }
        return out;
    }

    /** A malformed frame. */
    public static final class ProtocolException extends IOException {
        private static final long serialVersionUID = 1L;

        public ProtocolException(String message) {
            super(message);
        }
    }

    /** Reads frames from a blocking channel, buffered. Not thread-safe: one reader thread. */
    public static final class Reader {
        private final ReadableByteChannel channel;
        private final boolean fromServer;
        private ByteBuffer buf = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN).flip();

        public Reader(ReadableByteChannel channel, boolean fromServer) {
            this.channel = channel;
            this.fromServer = fromServer;
        }

        /**
         * The next message, or {@code null} at a clean end of stream between frames.
         *
         * @throws EOFException for an end of stream inside a frame
         */
        public Message next() throws IOException {
            if (!fill(6, true)) {
                return null;
            }
            long len = buf.getInt(buf.position()) & 0xffffffffL;
            if (len < 2 || len > MAX_FRAME) {
                throw new ProtocolException("bad frame length " + len);
            }
            fill(4 + (int) len, false);
            buf.getInt();
            int type = buf.getShort() & 0xffff;
            ByteBuffer payload = buf.slice().limit((int) len - 2).order(ByteOrder.LITTLE_ENDIAN);
            buf.position(buf.position() + (int) len - 2);
            return decode(type, payload, fromServer);
        }

        private boolean fill(int need, boolean eofOkIfEmpty) throws IOException {
            if (buf.remaining() >= need) {
                return true;
            }
            if (buf.capacity() < need) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(need, buf.capacity() * 2)).order(ByteOrder.LITTLE_ENDIAN);
                bigger.put(buf);
                buf = bigger;
            } else {
                buf.compact();
            }
            while (buf.position() < need) {
                int n = channel.read(buf);
                if (n < 0) {
                    buf.flip();
                    if (eofOkIfEmpty && !buf.hasRemaining()) {
                        return false;
                    }
                    throw new EOFException("end of stream inside a frame");
                }
            }
            buf.flip();
            return true;
        }
    }

    private static final class Out {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream(64);

        Out u16(int v) {
            b.write(v);
            b.write(v >>> 8);
            return this;
        }

        Out u32(long v) {
            for (int i = 0; i < 4; i++) {
                b.write((int) (v >>> (8 * i)));
            }
            return this;
        }

        Out u64(long v) {
            for (int i = 0; i < 8; i++) {
                b.write((int) (v >>> (8 * i)));
            }
            return this;
        }

        Out str(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > MAX_STRING) {
                throw new IllegalArgumentException("string of " + bytes.length + " bytes exceeds the protocol's 1 MiB");
            }
            u32(bytes.length);
            b.writeBytes(bytes);
            return this;
        }

        Out list(List<String> l) {
            if (l.size() > MAX_LIST) {
                throw new IllegalArgumentException("list of " + l.size() + " entries exceeds the protocol's 65536");
            }
            u32(l.size());
            l.forEach(this::str);
            return this;
        }

        Out bytes(byte[] bytes) {
            b.writeBytes(bytes);
            return this;
        }

        byte[] frame(int type) {
            byte[] payload = b.toByteArray();
            long len = 2L + payload.length;
            if (len > MAX_FRAME) {
                throw new IllegalArgumentException("frame of " + len + " bytes exceeds the protocol's 4 MiB");
            }
            ByteBuffer f = ByteBuffer.allocate(6 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
            f.putInt((int) len).putShort((short) type).put(payload);
            return f.array();
        }
    }

    private static final class In {
        private final ByteBuffer b;

        In(ByteBuffer b) {
            this.b = b;
        }

        private void need(int n) throws ProtocolException {
            if (b.remaining() < n) {
                throw new ProtocolException("payload too short");
            }
        }

        int u16() throws ProtocolException {
            need(2);
            return b.getShort() & 0xffff;
        }

        long u32() throws ProtocolException {
            need(4);
            return b.getInt() & 0xffffffffL;
        }

        int i32() throws ProtocolException {
            need(4);
            return b.getInt();
        }

        long u64() throws ProtocolException {
            need(8);
            return b.getLong();
        }

        String str() throws ProtocolException {
            long n = u32();
            if (n > MAX_STRING) {
                throw new ProtocolException("string length " + n);
            }
            need((int) n);
            byte[] bytes = new byte[(int) n];
            b.get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        List<String> list() throws ProtocolException {
            long n = u32();
            if (n > MAX_LIST) {
                throw new ProtocolException("list length " + n);
            }
            List<String> l = new ArrayList<>((int) n);
            for (int i = 0; i < n; i++) {
                l.add(str());
            }
            return l;
        }
    }
}
