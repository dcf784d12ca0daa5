package dev.containerv.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.Signal;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AbstractContainerProcessTest {
    /** Records the signals it is sent; throws when told to, as a platform's kill can. */
    static final class Recording extends AbstractContainerProcess {
        final List<Signal> signals = new CopyOnWriteArrayList<>();
        volatile RuntimeException killFails;
        boolean normalTermination = true;

        @Override
        protected void signal(Signal signal) {
            signals.add(signal);
            if (killFails != null) {
                throw killFails;
            }
        }

        @Override
        protected String describe() {
            return "process 7 (make) in container b1";
        }

        @Override
        public boolean supportsNormalTermination() {
            return normalTermination;
        }

        @Override
        public OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public InputStream getInputStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public InputStream getErrorStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public long containerPid() {
            return 7;
        }

        @Override
        public String containerId() {
            return "b1";
        }
    }

    @Test
    void whileRunningReadsSayRunningAndNameTheProcess() throws Exception {
        Recording p = new Recording();
        assertThat(p.isAlive()).isTrue();
        assertThat(p.waitFor(10, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(p.onExit()).isNotDone();
        assertThatThrownBy(p::exitValue).isInstanceOf(IllegalThreadStateException.class)
                .hasMessage("process 7 (make) in container b1 has not exited");
        assertThat(p).hasToString("Recording[process 7 (make) in container b1, running]");
    }

    @Test
    void theRecordedExitIsWhatEveryReadSees() throws Exception {
        Recording p = new Recording();
        p.exit().complete(3);
        assertThat(p.isAlive()).isFalse();
        assertThat(p.waitFor()).isEqualTo(3);
        assertThat(p.waitFor(0, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(3);
        assertThat(p.onExit().get(1, TimeUnit.SECONDS)).isSameAs(p);
        assertThat(p.onExit()).isSameAs(p.onExit());
        assertThat(p).hasToString("Recording[process 7 (make) in container b1, exitValue=3]");
    }

    @Test
    void destroySendsTermAndDestroyForciblyKill() {
        Recording p = new Recording();
        p.destroy();
        assertThat(p.destroyForcibly()).isSameAs(p);
        p.kill(Signal.USR1);
        assertThat(p.signals).containsExactly(Signal.TERM, Signal.KILL, Signal.USR1);
        assertThat(p.supportsNormalTermination()).isTrue();
    }

    @Test
    void withoutNormalTerminationDestroySendsKill() {
        Recording p = new Recording();
        p.normalTermination = false;
        p.destroy();
        assertThat(p.signals).containsExactly(Signal.KILL);
    }

    @Test
    void nothingIsSentToAProcessThatHasExited() {
        Recording p = new Recording();
        p.exit().complete(3);
        p.killFails = new ContainerException(ErrorKind.NOT_FOUND, "no such process");
        p.destroy();
        p.destroyForcibly();
        p.kill(Signal.KILL);
        assertThat(p.signals).isEmpty();
        assertThat(p.exitValue()).isEqualTo(3);
    }

    @Test
    void destroyNeverThrowsButKillDoes() {
        Recording p = new Recording();
        p.killFails = new ContainerException(ErrorKind.PLATFORM_FAILURE, "the platform refused the signal");
        assertThatCode(p::destroy).doesNotThrowAnyException();
        assertThatCode(p::destroyForcibly).doesNotThrowAnyException();
        assertThatThrownBy(() -> p.kill(Signal.TERM)).isSameAs(p.killFails);
        assertThat(p.signals).containsExactly(Signal.TERM, Signal.KILL, Signal.TERM);
    }

    @Test
    void anExitThatCannotBeEstablishedCountsAsRunningAndIsThrown() {
        Recording p = new Recording();
        IllegalStateException unknown = new IllegalStateException("the platform's wait failed");
        p.exit().fail(unknown);
        assertThat(p.isAlive()).isTrue();
        assertThatThrownBy(p::waitFor).isSameAs(unknown);
        assertThatThrownBy(p::exitValue).isSameAs(unknown);
        assertThat(p.onExit()).isCompletedExceptionally();
        p.destroy();
        assertThat(p.signals).containsExactly(Signal.TERM);
    }
}
