package dev.containerv.linux;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Skips a privileged test with the reason, or fails it where CONTAINERV_REQUIRE_PRIVILEGED=1. */
final class Privileged {
    private Privileged() {
    }

    static void require() {
        String missing = null;
        try {
            String uid = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:")).findFirst().orElse("");
            if (!uid.split("\\s+")[2].equals("0")) {
                missing = "needs root (effective uid is " + uid.split("\\s+")[2] + ")";
            }
        } catch (IOException | RuntimeException e) {
            missing = "cannot tell the uid: " + e;
        }
        if (missing == null && !BusyboxRootfs.available()) {
            missing = "needs a static busybox at /bin/busybox (apt-get install -y busybox-static)";
        }
        if (missing == null && !new LinuxNamespacesProvider().probe().available()) {
            missing = "linux-ns is not available: " + new LinuxNamespacesProvider().probe().reason();
        }
        if (missing != null) {
            if (dev.containerv.testkit.Privileges.privilegedRequired()) {
                Assertions.fail("privileged test cannot run although CONTAINERV_REQUIRE_PRIVILEGED is set: " + missing);
            }
            Assumptions.abort("privileged test skipped: " + missing);
        }
    }

    /**
     * Like {@link #require()}, but a normal user passes too when linux-ns runs rootless for it: for the suites that
     * must hold in both modes (the escape and red-team suites, run rootless by {@link RootlessSuitePrivilegedTest}).
     *
     * @return whether this JVM is rootless
     */
    static boolean requireRootOrRootless() {
        if (rootless()) {
            String missing = !BusyboxRootfs.available() ? "needs a static busybox at /bin/busybox (apt-get install -y busybox-static)"
                    : !new LinuxNamespacesProvider().probe().available() ? "linux-ns is not available: " + new LinuxNamespacesProvider().probe().reason()
                    : null;
            if (missing != null) {
                if (dev.containerv.testkit.Privileges.privilegedRequired()) {
                    Assertions.fail("rootless test cannot run although CONTAINERV_REQUIRE_PRIVILEGED is set: " + missing);
                }
                Assumptions.abort("rootless test skipped: " + missing);
            }
            return true;
        }
        require();
        return false;
    }

    /** Whether this JVM runs as a normal user (linux-ns is then rootless). */
    static boolean rootless() {
        try {
            return dev.containerv.linux.proc.Proc.HOST.euid() != 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Skips a test that needs ids or host privileges a rootless container does not have, saying which. */
    static void assumeRootMode(String why) {
        Assumptions.assumeFalse(rootless(), () -> "not in rootless mode: " + why);
    }
}
