package dev.containerv.linux.helper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wait for a supervisor that is not this JVM's child: a process holding a POSIX read lock on the plan (as
 * supervisor.c does) stands in for it, so the test needs neither root nor the helper.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SupervisorExitTest {
    @Test
    void theWaitEndsWhenTheLockHolderExits(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("plan"), "plan 2\n");
        Process p = TestSupport.sharedLockHolder(plan, "the supervisor");
        SupervisorExit exit = SupervisorExit.open(plan);
        assertThat(exit).as("a held lock is waited for").isNotNull();
        CompletableFuture<SupervisorExit.Outcome> waited = CompletableFuture.supplyAsync(() -> exit.await(Duration.ofSeconds(20)));
        Thread.sleep(200);
        assertThat(waited).as("still waiting while the holder lives").isNotDone();
        p.getOutputStream().close();
        assertThat(waited.get(10, TimeUnit.SECONDS)).isEqualTo(SupervisorExit.Outcome.EXITED);
        assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aHolderThatStaysIsATimeoutAndTheWaitDoesNotHang(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("plan"), "plan 2\n");
        Process p = TestSupport.sharedLockHolder(plan, "the supervisor");
        try {
            SupervisorExit exit = SupervisorExit.open(plan);
            assertThat(exit).isNotNull();
            assertThat(exit.await(Duration.ofMillis(300))).isEqualTo(SupervisorExit.Outcome.TIMEOUT);
        } finally {
            p.getOutputStream().close();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPlanNobodyLocksOrThatIsGoneGivesNoWait(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("plan"), "plan 2\n");
        assertThat(SupervisorExit.open(plan)).as("an older helper holds no lock: the caller polls").isNull();
        assertThat(SupervisorExit.open(dir.resolve("absent"))).isNull();
    }
}
