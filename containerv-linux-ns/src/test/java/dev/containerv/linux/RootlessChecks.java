package dev.containerv.linux;

import dev.containerv.linux.proc.Proc;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rootless facts checked as a normal user; run by {@link RootlessSuitePrivilegedTest} in a JVM of a throw-away user
 * (not by Surefire: the name does not end in Test). Refuses to run as root, where it would prove nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RootlessChecks {
    @BeforeAll
    void unprivileged() throws IOException {
        assertThat(Proc.HOST.euid()).as("the rootless checks must run as a normal user").isNotZero();
    }

    @Test
    void thisJvmHasNoCapabilityAtAll() throws IOException {
        String status = Files.readString(Path.of("/proc/self/status"));
        assertThat(status).containsPattern("(?m)^CapEff:\\s+0+$").containsPattern("(?m)^CapPrm:\\s+0+$");
        assertThat(status).doesNotContainPattern("(?m)^Uid:.*\\b0\\b");
    }
}
