package dev.containerv.linux.security;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CapabilitySetTest {
    @Test
    void numbersAreTheKernels() {
        assertThat(LinuxCapability.CHOWN.number()).isZero();
        assertThat(LinuxCapability.SYS_ADMIN.number()).isEqualTo(21);
        assertThat(LinuxCapability.MKNOD.number()).isEqualTo(27);
        assertThat(LinuxCapability.SETFCAP.number()).isEqualTo(31);
        assertThat(LinuxCapability.BPF.number()).isEqualTo(39);
        assertThat(LinuxCapability.CHECKPOINT_RESTORE.number()).isEqualTo(40);
    }

    @Test
    void theDefaultIsDockersWithoutMknodAndNetRaw() {
        CapabilitySet d = CapabilitySet.containerDefault();

        // Docker's default CapEff is a80425fb; MKNOD (27) and NET_RAW (13) are not in ours.
        long docker = 0xa80425fbL;
        long expected = docker & ~(1L << 27) & ~(1L << 13);
        assertThat(CapabilitySet.mask(d.bounding())).isEqualTo(expected);
        assertThat(CapabilitySet.mask(d.permitted())).isEqualTo(expected);
        assertThat(CapabilitySet.mask(d.effective())).isEqualTo(expected);
        assertThat(CapabilitySet.mask(d.inheritable())).isEqualTo(expected);
        assertThat(d.ambient()).isEmpty();
        assertThat(CapabilitySet.DEFAULT).doesNotContainAnyElementsOf(CapabilitySet.NEVER_BY_DEFAULT);
        assertThat(CapabilitySet.NEVER_BY_DEFAULT).contains(LinuxCapability.SYS_ADMIN, LinuxCapability.DAC_READ_SEARCH,
                LinuxCapability.SYS_PTRACE, LinuxCapability.SYS_MODULE, LinuxCapability.SYS_RAWIO, LinuxCapability.SYSLOG,
                LinuxCapability.SYS_BOOT, LinuxCapability.SYS_TIME, LinuxCapability.BPF, LinuxCapability.PERFMON,
                LinuxCapability.MAC_ADMIN, LinuxCapability.MAC_OVERRIDE, LinuxCapability.MKNOD, LinuxCapability.NET_RAW);
    }

    @Test
    void addedCapabilitiesAreForTrustedUsesAndNeverAmbient() {
        CapabilitySet s = CapabilitySet.containerDefault().withAdded(List.of(LinuxCapability.SYS_PTRACE));

        assertThat(s.bounding()).contains(LinuxCapability.SYS_PTRACE);
        assertThat(s.effective()).contains(LinuxCapability.SYS_PTRACE);
        assertThat(s.permitted()).contains(LinuxCapability.SYS_PTRACE);
        assertThat(s.inheritable()).contains(LinuxCapability.SYS_PTRACE);
        assertThat(s.ambient()).isEmpty();
        assertThat(CapabilitySet.containerDefault().bounding()).doesNotContain(LinuxCapability.SYS_PTRACE);
    }

    @Test
    void aUserOtherThanRootHasNoEffectiveCapability() {
        CapabilitySet root = CapabilitySet.containerDefault();
        CapabilitySet user = root.forUser(65534);

        assertThat(root.forUser(0)).isEqualTo(root);
        assertThat(user.effective()).isEmpty();
        assertThat(user.permitted()).isEmpty();
        assertThat(user.ambient()).isEmpty();
        assertThat(user.bounding()).isEqualTo(root.bounding());
    }

    @Test
    void namesAndPlanText() {
        assertThat(LinuxCapability.of("cap_net_admin")).isEqualTo(LinuxCapability.NET_ADMIN);
        assertThat(LinuxCapability.of("KILL")).isEqualTo(LinuxCapability.KILL);
        assertThatThrownBy(() -> LinuxCapability.of("TELEPORT"))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC))
                .hasMessageContaining("'TELEPORT'");
        assertThat(CapabilitySet.planText(EnumSet.of(LinuxCapability.SETUID, LinuxCapability.CHOWN))).isEqualTo("CHOWN,SETUID");
        assertThat(CapabilitySet.planText(Set.of())).isEqualTo("-");
    }

    @Test
    void theSetsCannotBeChanged() {
        CapabilitySet d = CapabilitySet.containerDefault();
        assertThatThrownBy(() -> d.bounding().add(LinuxCapability.SYS_ADMIN)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> CapabilitySet.DEFAULT.add(LinuxCapability.SYS_ADMIN)).isInstanceOf(UnsupportedOperationException.class);
    }
}
