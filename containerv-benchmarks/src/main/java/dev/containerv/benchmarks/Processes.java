package dev.containerv.benchmarks;

import java.io.IOException;

/** What every benchmark does with a finished process. */
final class Processes {
    private Processes() {
    }

    /** Closes the three streams, so a run of thousands of processes leaks no descriptors. */
    static void closeStreams(Process p) throws IOException {
        p.getOutputStream().close();
        p.getInputStream().close();
        p.getErrorStream().close();
    }

    /** Fails the benchmark if the process did not succeed: a fast failure must not pass for a fast spawn. */
    static int check(int code, String what) {
        if (code != 0) {
            throw new IllegalStateException(what + " exited with " + code);
        }
        return code;
    }
}
