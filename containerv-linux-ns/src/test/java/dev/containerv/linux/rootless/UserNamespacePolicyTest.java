package dev.containerv.linux.rootless;

import dev.containerv.linux.proc.Proc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The sysctls that stop unprivileged user namespaces, in a made-up {@code /proc/sys}. */
class UserNamespacePolicyTest {
    @TempDir
    Path proc;

    private void sysctl(String name, String value) throws IOException {
        Path f = proc.resolve("sys").resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, value + "\n");
    }

    @Test
    void aKernelWithoutAnyOfTheSysctlsOrWithThemOpenAllows() throws IOException {
        assertThat(UserNamespacePolicy.forbidden(new Proc(proc))).isEmpty();
        sysctl("user/max_user_namespaces", "96365");
        sysctl("kernel/unprivileged_userns_clone", "1");
        sysctl("kernel/apparmor_restrict_unprivileged_userns", "0");
        assertThat(UserNamespacePolicy.forbidden(new Proc(proc))).isEmpty();
    }

    @Test
    void eachSysctlThatStopsItIsNamedWithHowToChangeIt() throws IOException {
        sysctl("kernel/apparmor_restrict_unprivileged_userns", "1");
        assertThat(UserNamespacePolicy.forbidden(new Proc(proc))).hasValueSatisfying(r -> assertThat(r)
                .contains("AppArmor", "kernel.apparmor_restrict_unprivileged_userns = 1", "userns,"));
        sysctl("kernel/unprivileged_userns_clone", "0");
        assertThat(UserNamespacePolicy.forbidden(new Proc(proc))).hasValueSatisfying(r -> assertThat(r)
                .contains("kernel.unprivileged_userns_clone = 0", "sysctl -w kernel.unprivileged_userns_clone=1"));
        sysctl("user/max_user_namespaces", "0");
        assertThat(UserNamespacePolicy.forbidden(new Proc(proc))).hasValueSatisfying(r -> assertThat(r)
                .contains("user.max_user_namespaces = 0"));
    }
}
