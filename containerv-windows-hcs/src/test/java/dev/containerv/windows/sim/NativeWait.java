package dev.containerv.windows.sim;

/**
 * A wait as a native HCS call waits: a Java interrupt does not reach a thread inside {@code HcsWaitForProcessExit},
 * so the simulated call, too, returns only when what it waits for happened or its timeout passed, and leaves the
 * interrupt for the caller to see afterwards.
 */
final class NativeWait {
    /** One interruptible wait of at most {@code nanos}; {@code true} when what it waits for happened. */
    interface Step {
        boolean await(long nanos) throws InterruptedException;
    }

    private NativeWait() {
    }

    /** Waits until {@code step} reports success or {@code deadline} ({@link System#nanoTime()}) passed, deaf to interrupts. */
    static boolean until(long deadline, Step step) {
        boolean interrupted = false;
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                try {
                    if (step.await(Math.max(0, left))) {
                        return true;
                    }
                    if (left <= 0 || deadline - System.nanoTime() <= 0) {
                        return false;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
