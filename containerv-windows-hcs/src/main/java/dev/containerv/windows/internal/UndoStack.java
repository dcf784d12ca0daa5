package dev.containerv.windows.internal;

import dev.containerv.api.ContainerException;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;

/**
 * The undo steps of a container's creation, newest first: a failed create runs them all at once, a destroy runs
 * them after stopping the container. Each step undoes one thing create did (unmount, delete an endpoint, close a
 * system), so a step's failure never stops the steps after it. Thread-confined (create, then destroy).
 */
final class UndoStack {
    private final Deque<Runnable> steps = new ArrayDeque<>();

    /** Adds the undo of a step just done. */
    void push(Runnable step) {
        steps.push(step);
    }

    /** Runs every step; their failures are attached to {@code failure}, which is returned. */
    ContainerException rollback(ContainerException failure) {
        while (!steps.isEmpty()) {
            try {
                steps.pop().run();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
        return failure;
    }

    /** Runs every step; failures that {@code done} does not call "already undone" are added to {@code failures}. */
    void runAll(Predicate<RuntimeException> done, List<Throwable> failures) {
        while (!steps.isEmpty()) {
            try {
                steps.pop().run();
            } catch (RuntimeException e) {
                if (!done.test(e)) {
                    failures.add(e);
                }
            }
        }
    }
}
