package dev.containerv.windows.sim;

import dev.containerv.windows.hcs.HcsException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every part of the simulation shares: the calls made (in order), the failures injected for the next call of
 * a C function, the open handles (counted, so tests can assert none leak), and the rules of the real platform
 * the provider broke.
 */
final class SimCalls {
    private final AtomicLong nextHandle = new AtomicLong(0x1000);
    private final Map<Long, String> handles = new ConcurrentHashMap<>();
    private final Map<String, Deque<Integer>> failures = new ConcurrentHashMap<>();
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<String> violations = new CopyOnWriteArrayList<>();

    /** Records a call of {@code call}; throws the failure injected for it, if any. */
    void enter(String call) {
        calls.add(call);
        Deque<Integer> queue = failures.get(call);
        if (queue != null) {
            Integer hr = queue.poll();
            if (hr != null) {
                throw new HcsException(call, hr, "injected by the simulated HCS");
            }
        }
    }

    /** Records a call that cannot fail (a close). */
    void record(String call) {
        calls.add(call);
    }

    void failNext(String call, int hresult) {
        failures.computeIfAbsent(call, k -> new ArrayDeque<>()).add(hresult);
    }

    long open(String what) {
        long h = nextHandle.incrementAndGet();
        handles.put(h, what);
        return h;
    }

    void close(long h) {
        handles.remove(h);
    }

    boolean isOpen(long h) {
        return handles.containsKey(h);
    }

    /** Whether any open handle is described as {@code what}. */
    boolean anyOpen(String what) {
        return handles.values().stream().anyMatch(what::equals);
    }

    List<String> openHandleDescriptions() {
        return List.copyOf(handles.values());
    }

    List<String> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** An operation handle around a computecore-style call, closed on every path. */
    <T> T operation(String call, java.util.function.Supplier<T> body) {
        long op = open("operation " + call);
        try {
            enter(call);
            return body.get();
        } finally {
            close(op);
        }
    }

    void violation(String what) {
        violations.add(what);
    }

    List<String> violations() {
        return List.copyOf(violations);
    }
}
