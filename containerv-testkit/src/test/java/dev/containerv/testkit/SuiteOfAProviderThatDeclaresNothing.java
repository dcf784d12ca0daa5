package dev.containerv.testkit;

import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.GuestOs;
import dev.containerv.api.RuntimeFeature;

import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The reference provider as one that declares no capability and no feature (it still has them, so only the
 * declarations differ). Against it, every {@code optional_} rule must be skipped for want of a declaration and
 * no {@code required_} rule may be: that is what the two classes mean. Run only by {@link ConformanceSuiteMetaTest}.
 */
class SuiteOfAProviderThatDeclaresNothing extends ReferenceSuite {
    private final ContainerRuntime declaringNothing;

    SuiteOfAProviderThatDeclaresNothing() {
        super("host-process-declaring-nothing", Set.of());
        ContainerRuntime reference = super.runtime();
        declaringNothing = new ContainerRuntime() {
            @Override
            public String name() {
                return reference.name();
            }

            @Override
            public GuestOs guestOs() {
                return reference.guestOs();
            }

            @Override
            public Set<Capability> capabilities() {
                return Set.of();
            }

            @Override
            public Set<RuntimeFeature> features() {
                return Set.of();
            }

            @Override
            public Container create(ContainerSpec spec) {
                return reference.create(spec);
            }

            @Override
            public Container open(String id) {
                return reference.open(id);
            }

            @Override
            public List<String> list() {
                return reference.list();
            }
        };
    }

    @Override
    protected ContainerRuntime runtime() {
        return declaringNothing;
    }

    @Override
    protected Function<String, String> environment() {
        return name -> null;
    }
}
