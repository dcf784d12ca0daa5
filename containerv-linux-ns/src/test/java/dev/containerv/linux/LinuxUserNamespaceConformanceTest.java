package dev.containerv.linux;

import dev.containerv.api.Capability;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.IdMapping;

import java.util.EnumSet;
import java.util.Set;

/**
 * The whole conformance suite again with a user namespace in every container (Capability.USERS, uid and gid
 * 0 -> 100000, 65536 ids): what holds for linux-ns must hold with USERS on too (issue 14). Its parity report is
 * {@code target/conformance-linux-ns-users.md}.
 */
class LinuxUserNamespaceConformanceTest extends LinuxConformanceTest {
    private static final IdMapping MAP = new IdMapping(0, 100000, 65536);

    @Override
    protected Set<Capability> defaultCapabilities() {
        EnumSet<Capability> caps = EnumSet.copyOf(super.defaultCapabilities());
        caps.add(Capability.USERS);
        return caps;
    }

    @Override
    protected ContainerSpec.Builder specBuilder(String id) {
        return super.specBuilder(id).uidMappings(MAP).gidMappings(MAP);
    }

    @Override
    protected String providerName() {
        return "linux-ns-users";
    }
}
