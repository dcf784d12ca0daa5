package dev.containerv.linux.helper;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A JVM that holds a standby and ends ({@code main} returns): prints the standby's pid first. For
 * {@link StandbysTest#aJvmThatEndsLeavesNoStandbyBehind}.
 */
public final class StandbyExitProbe {
    private StandbyExitProbe() {
    }

    public static void main(String[] args) throws Exception {
        Standbys.shared().refill(Path.of(args[0]), false, 100);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            var standby = ProcessHandle.current().children().filter(p -> p.info().commandLine().orElse("").contains("--- standby")).findFirst();
            if (standby.isPresent()) {
                System.out.println(standby.get().pid());
                return;
            }
            Thread.sleep(10);
        }
        System.out.println("none");
    }
}
