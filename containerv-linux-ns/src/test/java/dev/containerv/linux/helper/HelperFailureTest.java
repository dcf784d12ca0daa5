package dev.containerv.linux.helper;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class HelperFailureTest {
    @ParameterizedTest
    @CsvSource({
            "ENOENT, NOT_FOUND", "EACCES, PERMISSION_DENIED", "EPERM, PERMISSION_DENIED", "EEXIST, ALREADY_EXISTS",
            "ENOSPC, RESOURCE_LIMIT", "ENOMEM, RESOURCE_LIMIT", "EMFILE, RESOURCE_LIMIT", "EAGAIN, RESOURCE_LIMIT",
            "ETIMEDOUT, TIMEOUT", "EINVAL, PLATFORM_FAILURE", "EBUSY, PLATFORM_FAILURE", "E999, PLATFORM_FAILURE"})
    void mapsErrnoNamesToKinds(String errno, ErrorKind kind) {
        assertThat(HelperFailure.kindOf(errno)).isEqualTo(kind);
    }

    @Test
    void javaWritesTheMessageFromTheFacts() {
        HelperFailure f = new HelperFailure("bind", "mount", "ENOENT", 2, "/src", "");
        ContainerException e = f.toException("linux::Runtime::create", "c1", f.kind(), "cannot mount a host directory layer into container c1");
        assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
        assertThat(e.platformCode()).contains("errno ENOENT");
        assertThat(e.getMessage()).isEqualTo("linux::Runtime::create: container 'c1': cannot mount a host directory layer into container c1"
                + " (while bind-mounting a host directory: mount() on /src) (errno ENOENT)");
    }

    @Test
    void aKernelWithoutLandlockIsNotSupportedNotAPlatformFailure() {
        assertThat(new HelperFailure("landlock", "landlock_create_ruleset", "EOPNOTSUPP", 95, "", "not enabled").kind())
                .isEqualTo(ErrorKind.NOT_SUPPORTED);
        assertThat(new HelperFailure("landlock", "landlock_create_ruleset", "ENOSYS", 38, "", "").kind()).isEqualTo(ErrorKind.NOT_SUPPORTED);
        assertThat(new HelperFailure("landlock", "open", "ENOENT", 2, "/opt", "").kind()).isEqualTo(ErrorKind.NOT_FOUND);
    }

    /** One step vocabulary: every step the helper can report has words here, and no words lack a step. */
    @Test
    void everyStepOfTheHelperHasWordingAndEveryWordingHasAStep() throws Exception {
        Path helper = TestSupport.builtHelper();
        Assumptions.assumeTrue(helper != null, "the native helper is not built (no C compiler?)");
        Process p = new ProcessBuilder(helper.toString(), "steps").redirectErrorStream(true).start();
        List<String> printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(p.waitFor()).as(String.join("\n", printed)).isZero();
        assertThat(printed).doesNotHaveDuplicates().contains("plan", "exec", "wait", "event-loop", "host-open");
        Set<String> helperSteps = new TreeSet<>(printed);
        assertThat(new TreeSet<>(HelperFailure.wordedSteps())).as("steps worded in Java").isEqualTo(helperSteps);
        for (String step : printed) {
            assertThat(new HelperFailure(step, "", "", 0, "", "").stepDescription()).doesNotStartWith("step '");
        }
    }

    @Test
    void unknownStepsAreShownVerbatim() {
        HelperFailure f = new HelperFailure("veth-peer", "", "", 0, "", "later version");
        assertThat(f.stepDescription()).isEqualTo("step 'veth-peer'");
        assertThat(f.platformCode()).isNull();
        assertThat(f.technical()).isEqualTo("later version");
    }
    @Test
    void aCgroupMoveRefusedForARealTimeTaskSaysSoAndWhatToDo() {
        HelperFailure rt = new HelperFailure("cgroup-procs", "write", "EINVAL", 22, "/sys/fs/cgroup/cpu/containerv/c1/tasks",
                "sched_policy SCHED_FIFO");
        ContainerException e = rt.toException("linux::Runtime::create", "c1", rt.kind(), "cannot create container c1");
        assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED);
        assertThat(e.getMessage()).contains("real-time priority (SCHED_FIFO", "/sys/fs/cgroup/cpu/containerv/c1 has none",
                "cpu.rt_runtime_us is 0", "Run the JVM at SCHED_OTHER");
        HelperFailure plain = new HelperFailure("cgroup-procs", "write", "EINVAL", 22, "/sys/fs/cgroup/cpu/containerv/c1/tasks", "");
        assertThat(plain.kind()).isEqualTo(ErrorKind.PLATFORM_FAILURE);
        assertThat(plain.toException("op", "c1", plain.kind(), "cannot create container c1").getMessage())
                .doesNotContain("real-time").endsWith("tasks) (errno EINVAL)");
    }
}
