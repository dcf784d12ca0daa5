package dev.containerv.windows.jna;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A kernel for overlapped pipe I/O that is as strict as Windows where JNA users go wrong: ReadFile and WriteFile
 * always return ERROR_IO_PENDING, and the I/O completes later on a kernel thread, which copies the data into
 * (or out of) the buffer it was given and writes {@code Internal}/{@code InternalHigh} into the OVERLAPPED it was
 * given, then signals its event. GetOverlappedResult reads the OVERLAPPED's memory. CancelIoEx completes the
 * pending I/O with STATUS_CANCELLED. Closing a pipe or an event with I/O in flight is recorded as a violation.
 */
public final class SimulatedPipeKernel implements OverlappedIo {
    private static final long STATUS_SUCCESS = 0;
    private static final long STATUS_CANCELLED = 0xC0000120L;
    private static final long STATUS_PIPE_BROKEN = 0xC000014BL;

    private final ExecutorService kernel = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "simulated-kernel");
        t.setDaemon(true);
        return t;
    });
    private final ThreadLocal<Integer> lastError = ThreadLocal.withInitial(() -> 0);
    private final Map<Long, SimPipe> pipes = new HashMap<>();
    private final Map<Long, Boolean> events = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private long next = 0x400;

    private static final class SimPipe {
        final Deque<byte[]> incoming = new ArrayDeque<>();
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        final List<Pending> pending = new ArrayList<>();
        boolean ended;
        boolean writesBlock;
        boolean open = true;
    }

    private record Pending(boolean write, Pointer buffer, int length, Pointer overlapped) {
    }

    /** A new pipe handle. */
    public synchronized HANDLE pipe() {
        long h = next += 4;
        pipes.put(h, new SimPipe());
        return new HANDLE(new Pointer(h));
    }

    /** The process writes {@code data}: pending and later reads receive it. */
    public synchronized void feed(HANDLE h, byte[] data) {
        pipe(h).incoming.add(data.clone());
        kernel.execute(this::progress);
    }

    /** The process closes its end: reads end with ERROR_BROKEN_PIPE once the data is taken. */
    public synchronized void end(HANDLE h) {
        pipe(h).ended = true;
        kernel.execute(this::progress);
    }

    /** Writes to the pipe stay pending (a full pipe nobody reads). */
    public synchronized void blockWrites(HANDLE h) {
        pipe(h).writesBlock = true;
    }

    /** What the process received on a pipe. */
    public synchronized byte[] written(HANDLE h) {
        return pipe(h).written.toByteArray();
    }

    /** Whether the handle is still open. */
    public synchronized boolean isOpen(HANDLE h) {
        return pipe(h).open;
    }

    /** Handles (pipes and events) still open. */
    public synchronized int openHandles() {
        return (int) pipes.values().stream().filter(p -> p.open).count() + events.size();
    }

    /** Rule breaks seen: handles closed with I/O in flight. */
    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    /** Whether an I/O is pending on the pipe. */
    public synchronized boolean pending(HANDLE h) {
        return !pipe(h).pending.isEmpty();
    }

    private SimPipe pipe(HANDLE h) {
        SimPipe p = pipes.get(Pointer.nativeValue(h.getPointer()));
        if (p == null) {
            throw new IllegalArgumentException("not a pipe: " + h);
        }
        return p;
    }

    private boolean fail(int error) {
        lastError.set(error);
        return false;
    }

    @Override
    public synchronized HANDLE CreateEventW(Pointer attributes, boolean manualReset, boolean initialState, WString name) {
        long h = next += 4;
        events.put(h, initialState);
        return new HANDLE(new Pointer(h));
    }

    private boolean start(boolean write, HANDLE h, Pointer buffer, int n, Pointer count, Pointer overlapped) {
        if (count != null) {
            violations.add((write ? "WriteFile" : "ReadFile") + " given a byte count for an overlapped handle");
        }
        SimPipe p = pipes.get(Pointer.nativeValue(h.getPointer()));
        if (p == null || !p.open) {
            return fail(6);
        }
        if (!p.pending.isEmpty()) {
            violations.add("a second I/O started while one is in flight");
        }
        events.put(event(overlapped), false);
        p.pending.add(new Pending(write, buffer, n, overlapped));
        kernel.execute(this::progress);
        return fail(ERROR_IO_PENDING);
    }

    @Override
    public synchronized boolean ReadFile(HANDLE h, Pointer buffer, int n, Pointer count, Pointer overlapped) {
        return start(false, h, buffer, n, count, overlapped);
    }

    @Override
    public synchronized boolean WriteFile(HANDLE h, Pointer buffer, int n, Pointer count, Pointer overlapped) {
        return start(true, h, buffer, n, count, overlapped);
    }

    private static long event(Pointer overlapped) {
        return Pointer.nativeValue(overlapped.getPointer(OverlappedPipe.HEVENT_OFFSET));
    }

    /** The kernel thread: completes what can complete, into the caller's memory, after the call returned. */
    private synchronized void progress() {
        for (SimPipe p : pipes.values()) {
            for (Pending io : List.copyOf(p.pending)) {
                if (io.write()) {
                    if (!p.writesBlock) {
                        p.written.write(io.buffer().getByteArray(0, io.length()), 0, io.length());
                        complete(p, io, STATUS_SUCCESS, io.length());
                    }
                } else if (!p.incoming.isEmpty()) {
                    byte[] data = p.incoming.poll();
                    int n = Math.min(data.length, io.length());
                    io.buffer().write(0, data, 0, n);
                    if (n < data.length) {
                        p.incoming.addFirst(java.util.Arrays.copyOfRange(data, n, data.length));
                    }
                    complete(p, io, STATUS_SUCCESS, n);
                } else if (p.ended) {
                    complete(p, io, STATUS_PIPE_BROKEN, 0);
                }
            }
        }
    }

    private void complete(SimPipe p, Pending io, long status, int count) {
        p.pending.remove(io);
        if (Native.POINTER_SIZE == 8) {
            io.overlapped().setLong(0, status);
            io.overlapped().setLong(OverlappedPipe.INTERNAL_HIGH_OFFSET, count);
        } else {
            io.overlapped().setInt(0, (int) status);
            io.overlapped().setInt(OverlappedPipe.INTERNAL_HIGH_OFFSET, count);
        }
        events.put(event(io.overlapped()), true);
        notifyAll();
    }

    @Override
    public synchronized boolean GetOverlappedResult(HANDLE h, Pointer overlapped, IntByReference transferred, boolean wait) {
        long event = event(overlapped);
        while (!Boolean.TRUE.equals(events.get(event))) {
            if (!wait) {
                return fail(996);
            }
            try {
                wait(TimeUnit.SECONDS.toMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fail(995);
            }
        }
        long status = Native.POINTER_SIZE == 8 ? overlapped.getLong(0) : overlapped.getInt(0) & 0xFFFFFFFFL;
        long count = Native.POINTER_SIZE == 8 ? overlapped.getLong(OverlappedPipe.INTERNAL_HIGH_OFFSET) : overlapped.getInt(OverlappedPipe.INTERNAL_HIGH_OFFSET);
        transferred.setValue((int) count);
        if (status == STATUS_CANCELLED) {
            return fail(ERROR_OPERATION_ABORTED);
        }
        if (status == STATUS_PIPE_BROKEN) {
            return fail(ERROR_BROKEN_PIPE);
        }
        return true;
    }

    @Override
    public synchronized boolean CancelIoEx(HANDLE h, Pointer overlapped) {
        SimPipe p = pipes.get(Pointer.nativeValue(h.getPointer()));
        if (p == null || !p.open) {
            return fail(6);
        }
        if (p.pending.isEmpty()) {
            return fail(ERROR_NOT_FOUND);
        }
        for (Pending io : List.copyOf(p.pending)) {
            if (overlapped == null || overlapped.equals(io.overlapped())) {
                complete(p, io, STATUS_CANCELLED, 0);
            }
        }
        return true;
    }

    @Override
    public synchronized boolean CloseHandle(HANDLE h) {
        long v = Pointer.nativeValue(h.getPointer());
        SimPipe p = pipes.get(v);
        if (p != null) {
            if (!p.open) {
                violations.add("pipe " + v + " closed twice");
                return fail(6);
            }
            if (!p.pending.isEmpty()) {
                violations.add("pipe " + v + " closed with I/O in flight");
            }
            p.open = false;
            return true;
        }
        if (events.remove(v) == null) {
            violations.add("handle " + v + " closed but not open");
            return fail(6);
        }
        for (SimPipe other : pipes.values()) {
            if (other.pending.stream().anyMatch(io -> event(io.overlapped()) == v)) {
                violations.add("event " + v + " closed with I/O in flight");
            }
        }
        return true;
    }

    @Override
    public int GetLastError() {
        return lastError.get();
    }

    /** Stops the kernel thread. */
    public void shutdown() {
        kernel.shutdownNow();
    }
}
