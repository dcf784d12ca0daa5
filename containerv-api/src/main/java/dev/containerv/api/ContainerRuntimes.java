package dev.containerv.api;

import dev.containerv.spi.ContainerRuntimeProvider;
import dev.containerv.spi.ProbeResult;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Finds the container runtimes of this host.
 *
 * <pre>{@code
 * ContainerRuntime runtime = ContainerRuntimes.load();      // the best available provider
 * ContainerRuntime linux = ContainerRuntimes.load("linux-ns");
 * ContainerRuntimes.probeAll().forEach(System.out::println);
 * }</pre>
 *
 * <p>Selection order for {@link #load()}: the system property {@value #RUNTIME_PROPERTY}, then the
 * environment variable {@value #RUNTIME_ENV}, then the available provider of highest priority. Providers
 * are found with {@link ServiceLoader}, on the module path and on the class path; a provider that fails
 * to load costs one line in the report, never the whole scan.
 */
public final class ContainerRuntimes {
    /** System property that picks a provider by name. */
    public static final String RUNTIME_PROPERTY = "containerv.runtime";
    /** Environment variable that picks a provider by name (the property wins). */
    public static final String RUNTIME_ENV = "CONTAINERV_RUNTIME";

    private static final System.Logger LOG = System.getLogger(ContainerRuntimes.class.getName());

    private ContainerRuntimes() {
    }

    /**
     * The runtime to use here: the one named by {@value #RUNTIME_PROPERTY} or {@value #RUNTIME_ENV}, else
     * the available provider of highest priority.
     *
     * @throws ContainerException {@code NOT_FOUND} if a name is set but no provider has it,
     *                            {@code NOT_SUPPORTED} if no provider is available; both list every
     *                            provider with its reason
     */
    public static ContainerRuntime load() {
        return new Discovery(ContainerRuntimes::serviceProviders, System::getProperty, System::getenv).load();
    }

    /**
     * The runtime of the provider with that name.
     *
     * @throws ContainerException {@code NOT_FOUND} if no provider has the name, {@code NOT_SUPPORTED} if
     *                            it is not available here (with its reason)
     */
    public static ContainerRuntime load(String name) {
        return new Discovery(ContainerRuntimes::serviceProviders, System::getProperty, System::getenv).load(name);
    }

    /** Every provider found, probed, in descending priority. */
    public static List<RuntimeProbe> probeAll() {
        return new Discovery(ContainerRuntimes::serviceProviders, System::getProperty, System::getenv).probeAll();
    }

    static List<Loaded> serviceProviders() {
        List<Loaded> found = new ArrayList<>();
        Iterator<ServiceLoader.Provider<ContainerRuntimeProvider>> it =
                ServiceLoader.load(ContainerRuntimeProvider.class).stream().iterator();
        while (true) {
            ServiceLoader.Provider<ContainerRuntimeProvider> p;
            try {
                if (!it.hasNext()) {
                    break;
                }
                p = it.next();
            } catch (ServiceConfigurationError e) {
                LOG.log(Level.WARNING, "A containerv provider could not be loaded: " + e.getMessage(), e);
                found.add(Loaded.broken("<unloadable>", e));
                continue;
            }
            try {
                found.add(Loaded.of(p.get()));
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "containerv provider " + p.type().getName() + " could not be instantiated: " + e, e);
                found.add(Loaded.broken(p.type().getName(), e));
            }
        }
        return found;
    }

    /** A provider instance, or the failure to get one. */
    record Loaded(String name, ContainerRuntimeProvider provider, Throwable failure) {
        static Loaded of(ContainerRuntimeProvider provider) {
            String name = provider.name();
            if (name == null || name.isBlank()) {
                return broken(provider.getClass().getName(), new IllegalStateException("its name() is " + (name == null ? "null" : "blank")));
            }
            return new Loaded(name, provider, null);
        }

        static Loaded broken(String name, Throwable failure) {
            return new Loaded(name, null, failure);
        }
    }

    /** The selection logic, apart from ServiceLoader and the process environment so that it can be tested. */
    static final class Discovery {
        private final Supplier<List<Loaded>> providers;
        private final Function<String, String> properties;
        private final Function<String, String> environment;

        Discovery(Supplier<List<Loaded>> providers, Function<String, String> properties, Function<String, String> environment) {
            this.providers = providers;
            this.properties = properties;
            this.environment = environment;
        }

        ContainerRuntime load() {
            Optional<String> chosen = override();
            if (chosen.isPresent()) {
                LOG.log(Level.DEBUG, "containerv runtime chosen by name: {0}", chosen.get());
                return load(chosen.get());
            }
            List<Probed> all = probeProviders();
            for (Probed p : all) {
                if (p.probe.available()) {
                    LOG.log(Level.DEBUG, "containerv runtime chosen by priority: {0}", p.probe);
                    return p.loaded.provider().createRuntime();
                }
            }
            throw new ContainerException(ErrorKind.NOT_SUPPORTED,
                    "no containerv runtime is available on this host" + report(all));
        }

        ContainerRuntime load(String name) {
            if (name == null || name.isBlank()) {
                throw ContainerException.invalidSpec("runtime name", name, "the name of an installed provider");
            }
            List<Probed> all = probeProviders();
            for (Probed p : all) {
                if (p.loaded.name().equals(name)) {
                    if (p.loaded.provider() == null || !p.probe.available()) {
                        throw new ContainerException(ErrorKind.NOT_SUPPORTED,
                                "containerv runtime '" + name + "' is not available here: " + p.probe.reason() + report(all));
                    }
                    return p.loaded.provider().createRuntime();
                }
            }
            throw new ContainerException(ErrorKind.NOT_FOUND, "no containerv runtime is named '" + name + "'" + report(all));
        }

        List<RuntimeProbe> probeAll() {
            return probeProviders().stream().map(Probed::probe).collect(Collectors.toList());
        }

        private Optional<String> override() {
            String byProperty = properties.apply(RUNTIME_PROPERTY);
            if (byProperty != null && !byProperty.isBlank()) {
                return Optional.of(byProperty.trim());
            }
            String byEnv = environment.apply(RUNTIME_ENV);
            if (byEnv != null && !byEnv.isBlank()) {
                return Optional.of(byEnv.trim());
            }
            return Optional.empty();
        }

        private List<Probed> probeProviders() {
            List<Loaded> loaded = providers.get();
            Map<String, List<String>> classesByName = new HashMap<>();
            for (Loaded l : loaded) {
                classesByName.computeIfAbsent(l.name(), n -> new ArrayList<>())
                        .add(l.provider() == null ? l.name() : l.provider().getClass().getName());
            }
            List<Probed> out = new ArrayList<>();
            for (Loaded l : loaded) {
                List<String> same = classesByName.get(l.name());
                if (same.size() > 1) {
                    // Neither is chosen: which one a name means would depend on the class path order.
                    out.add(new Probed(l, new RuntimeProbe(l.name(), priorityOf(l), false, "the name '" + l.name()
                            + "' is claimed by " + same.size() + " providers " + same + "; keep one of them on the class path or module path")));
                } else {
                    out.add(new Probed(l, probe(l)));
                }
            }
            out.sort(Comparator.comparingInt((Probed p) -> p.probe.priority()).reversed()
                    .thenComparing(p -> p.probe.name()));
            return out;
        }

        private static int priorityOf(Loaded l) {
            try {
                return l.provider() == null ? Integer.MIN_VALUE : l.provider().priority();
            } catch (RuntimeException | LinkageError e) {
                return Integer.MIN_VALUE;
            }
        }

        private static RuntimeProbe probe(Loaded l) {
            if (l.provider() == null) {
                return new RuntimeProbe(l.name(), Integer.MIN_VALUE, false, "provider could not be loaded: " + l.failure());
            }
            ContainerRuntimeProvider provider = l.provider();
            int priority;
            try {
                priority = provider.priority();
                if (provider.spiVersion() != ContainerRuntimeProvider.SPI_VERSION) {
                    return new RuntimeProbe(l.name(), priority, false, String.format(Locale.ROOT,
                            "provider speaks SPI version %d but this containerv-api speaks %d; use the versions of one containerv-bom",
                            provider.spiVersion(), ContainerRuntimeProvider.SPI_VERSION));
                }
                ProbeResult r = provider.probe();
                if (r == null) {
                    return new RuntimeProbe(l.name(), priority, false, "provider " + provider.getClass().getName() + " returned no probe result");
                }
                return new RuntimeProbe(l.name(), priority, r.available(), r.reason());
            } catch (RuntimeException | LinkageError e) {
                // probe() must not throw; one that does is reported like any other unavailable provider.
                return new RuntimeProbe(l.name(), Integer.MIN_VALUE, false, "probe failed: " + e);
            }
        }

        private static String report(List<Probed> all) {
            if (all.isEmpty()) {
                return ". No provider was found: add containerv-linux-ns or containerv-windows-hcs to the class path or module path.";
            }
            return all.stream().map(p -> "\n  - " + p.probe).collect(Collectors.joining("", ". Providers found:", ""));
        }

        private record Probed(Loaded loaded, RuntimeProbe probe) {
        }
    }
}
