package dev.containerv.cli;

/**
 * Registers what must happen when containerv is stopped from outside (Ctrl-C, {@code kill}): the JVM runs
 * shutdown hooks on SIGINT, SIGTERM and SIGHUP, so {@code run} destroys its container there. A seam so tests can
 * fire the hook themselves.
 */
interface ShutdownHooks {
    /** A registered hook. */
    interface Registration {
        /** Unregisters the hook; does nothing if the JVM is shutting down already (the hook is running then). */
        void cancel();
    }

    /** Runs {@code action} when the JVM is stopped, unless cancelled first. */
    Registration register(String name, Runnable action);

    /** Hooks of this JVM. */
    static ShutdownHooks jvm() {
        return (name, action) -> {
            Thread thread = new Thread(action, name);
            Runtime.getRuntime().addShutdownHook(thread);
            return () -> {
                try {
                    Runtime.getRuntime().removeShutdownHook(thread);
                } catch (IllegalStateException shuttingDown) {
                    // The hook has started or will start: it must finish its cleanup, so it stays.
                }
            };
        };
    }
}
