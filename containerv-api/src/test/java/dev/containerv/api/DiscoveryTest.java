package dev.containerv.api;

import dev.containerv.api.ContainerRuntimes.Discovery;
import dev.containerv.api.ContainerRuntimes.Loaded;
import dev.containerv.spi.ContainerRuntimeProvider;
import dev.containerv.spi.ProbeResult;
import dev.containerv.spi.UnavailableRuntime;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Provider selection, the override, and both error cases. */
class DiscoveryTest {
    private final Map<String, String> properties = new HashMap<>();
    private final Map<String, String> environment = new HashMap<>();

    private Discovery discovery(Loaded... providers) {
        return new Discovery(() -> List.of(providers), properties::get, environment::get);
    }

    static Loaded provider(String name, int priority, boolean available) {
        return Loaded.of(new FakeProvider(name, priority, available ? ProbeResult.available("ok") : ProbeResult.unavailable("needs a unicorn")));
    }

    @Test
    void loadTakesTheAvailableProviderOfHighestPriority() {
        Discovery d = discovery(provider("low", 10, true), provider("best-but-absent", 500, false), provider("high", 50, true));
        assertThat(d.load().name()).isEqualTo("high");
    }

    @Test
    void probeAllListsEveryProviderByDescendingPriority() {
        Discovery d = discovery(provider("low", 10, true), provider("absent", 500, false), provider("high", 50, true));
        assertThat(d.probeAll()).extracting(RuntimeProbe::name).containsExactly("absent", "high", "low");
        assertThat(d.probeAll().get(0)).isEqualTo(new RuntimeProbe("absent", 500, false, "needs a unicorn"));
    }

    @Test
    void systemPropertyOverridesPriority() {
        properties.put(ContainerRuntimes.RUNTIME_PROPERTY, "low");
        environment.put(ContainerRuntimes.RUNTIME_ENV, "high");
        assertThat(discovery(provider("low", 10, true), provider("high", 50, true)).load().name()).isEqualTo("low");
    }

    @Test
    void environmentVariableOverridesPriority() {
        environment.put(ContainerRuntimes.RUNTIME_ENV, "low");
        assertThat(discovery(provider("low", 10, true), provider("high", 50, true)).load().name()).isEqualTo("low");
    }

    @Test
    void unknownNameIsNotFoundAndListsEveryProvider() {
        properties.put(ContainerRuntimes.RUNTIME_PROPERTY, "nope");
        assertThatThrownBy(() -> discovery(provider("low", 10, true), provider("absent", 5, false)).load())
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
                .hasMessageContaining("'nope'")
                .hasMessageContaining("low (priority 10): available: ok")
                .hasMessageContaining("absent (priority 5): not available: needs a unicorn");
    }

    @Test
    void nothingAvailableIsNotSupportedAndListsEveryReason() {
        assertThatThrownBy(() -> discovery(provider("a", 10, false), provider("b", 20, false)).load())
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED))
                .hasMessageContaining("no containerv runtime is available")
                .hasMessageContaining("a (priority 10): not available: needs a unicorn")
                .hasMessageContaining("b (priority 20): not available: needs a unicorn");
    }

    @Test
    void aProviderWithoutANameIsListedAsBrokenAndTheOthersStillWork() {
        Discovery d = discovery(Loaded.of(new FakeProvider(null, 900, ProbeResult.available("ok"))), provider("fine", 10, true));
        assertThat(d.load().name()).isEqualTo("fine");
        assertThat(d.probeAll()).anySatisfy(p -> {
            assertThat(p.name()).isEqualTo(FakeProvider.class.getName());
            assertThat(p.available()).isFalse();
            assertThat(p.reason()).contains("name() is null");
        });
    }

    @Test
    void twoProvidersClaimingOneNameAreNeitherChosen() {
        Discovery d = discovery(provider("twin", 90, true), provider("twin", 80, true), provider("other", 10, true));
        assertThat(d.load().name()).isEqualTo("other");
        assertThatThrownBy(() -> d.load("twin"))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED))
                .hasMessageContaining("the name 'twin' is claimed by 2 providers");
    }

    @Test
    void noProviderAtAllSaysWhatToAdd() {
        assertThatThrownBy(() -> discovery().load())
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED))
                .hasMessageContaining("containerv-linux-ns");
    }

    @Test
    void namingAnUnavailableProviderIsNotSupportedWithItsReason() {
        assertThatThrownBy(() -> discovery(provider("absent", 5, false)).load("absent"))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED))
                .hasMessageContaining("'absent' is not available here: needs a unicorn");
    }

    @Test
    void aBrokenOrThrowingProviderCostsOneLineNotTheScan() {
        ContainerRuntimeProvider throwing = new FakeProvider("throws", 99, null) {
            @Override
            public ProbeResult probe() {
                throw new IllegalStateException("boom");
            }
        };
        Discovery d = discovery(Loaded.broken("com.example.Broken", new ServiceConfigurationError("bad jar")),
                Loaded.of(throwing), provider("good", 1, true));
        assertThat(d.load().name()).isEqualTo("good");
        assertThat(d.probeAll()).extracting(RuntimeProbe::name).containsExactly("good", "com.example.Broken", "throws");
        assertThat(d.probeAll()).filteredOn(p -> !p.available()).extracting(RuntimeProbe::reason)
                .anySatisfy(r -> assertThat(r).contains("bad jar"))
                .anySatisfy(r -> assertThat(r).contains("probe failed").contains("boom"));
    }

    @Test
    void aProviderOfAnotherSpiVersionIsRefused() {
        ContainerRuntimeProvider future = new FakeProvider("future", 10, ProbeResult.available("ok")) {
            @Override
            public int spiVersion() {
                return SPI_VERSION + 1;
            }
        };
        assertThat(discovery(Loaded.of(future)).probeAll().get(0).reason()).contains("SPI version 2");
        assertThatThrownBy(() -> discovery(Loaded.of(future)).load()).isInstanceOf(ContainerException.class);
    }

    @Test
    void anUnavailableRuntimeRefusesCreateWithTheReason() {
        ContainerRuntime r = new UnavailableRuntime("linux-ns", GuestOs.LINUX, "the helper is missing");
        ContainerSpec spec = ContainerSpec.builder().id("x1").rootfs(java.nio.file.Path.of("/")).build();
        assertThatThrownBy(() -> r.create(spec))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED);
                    assertThat(e.containerId()).contains("x1");
                })
                .hasMessageContaining("the helper is missing");
    }

    @Test
    void serviceLoaderFindsProvidersOnTheClassPath() {
        // src/test/resources/META-INF/services registers the two providers below.
        assertThat(ContainerRuntimes.probeAll()).extracting(RuntimeProbe::name).contains("test-available", "test-unavailable");
        // Through the real ServiceLoader, but blind to a CONTAINERV_RUNTIME or -Dcontainerv.runtime this JVM may have.
        assertThat(new ContainerRuntimes.Discovery(ContainerRuntimes::serviceProviders, name -> null, name -> null).load().name())
                .isEqualTo("test-available");
        assertThat(ContainerRuntimes.load("test-available").name()).isEqualTo("test-available");
    }

    /** Registered through META-INF/services for {@link #serviceLoaderFindsProvidersOnTheClassPath()}. */
    public static final class ServiceAvailable extends FakeProvider {
        public ServiceAvailable() {
            super("test-available", 7, ProbeResult.available("always"));
        }
    }

    /** Registered through META-INF/services. */
    public static final class ServiceUnavailable extends FakeProvider {
        public ServiceUnavailable() {
            super("test-unavailable", 70, ProbeResult.unavailable("never"));
        }
    }

    static class FakeProvider implements ContainerRuntimeProvider {
        private final String name;
        private final int priority;
        private final ProbeResult result;

        FakeProvider(String name, int priority, ProbeResult result) {
            this.name = name;
            this.priority = priority;
            this.result = result;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public ProbeResult probe() {
            return result;
        }

        @Override
        public ContainerRuntime createRuntime() {
            return new UnavailableRuntime(name, GuestOs.LINUX, "fake");
        }
    }
}
