package dev.containerv.linux;

import dev.containerv.api.Capability;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.IdMapping;
import dev.containerv.api.RuntimeFeature;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
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

    /**
     * linux-ns without LAYERED_ROOTFS: a root of several layers is refused with USERS (only one root directory is
     * idmapped), so here the suite holds it to refusing such a root, never ignoring it.
     */
    @Override
    protected ContainerRuntime runtime() {
        ContainerRuntime real = super.runtime();
        return (ContainerRuntime) Proxy.newProxyInstance(ContainerRuntime.class.getClassLoader(), new Class<?>[] {ContainerRuntime.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("features") && method.getParameterCount() == 0) {
                        EnumSet<RuntimeFeature> features = EnumSet.noneOf(RuntimeFeature.class);
                        features.addAll(real.features());
                        features.remove(RuntimeFeature.LAYERED_ROOTFS);
                        return features;
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
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
