package dev.containerv.spi;

import dev.containerv.api.ContainerRuntime;

/**
 * What a provider implements to be found by {@link dev.containerv.api.ContainerRuntimes}. Register it twice,
 * so discovery works on the module path and on the class path: {@code provides
 * dev.containerv.spi.ContainerRuntimeProvider with ...} in {@code module-info.java}, and a
 * {@code META-INF/services} entry (for example with {@code @AutoService}).
 *
 * <p>Implementations need a public no-argument constructor that does no work: probing and runtime creation
 * happen only when asked.
 *
 * @since 0.1
 */
public interface ContainerRuntimeProvider {
    /** The SPI version this build of containerv-api speaks. */
    int SPI_VERSION = 1;

    /** A short unique name, such as {@code linux-ns}; what {@code -Dcontainerv.runtime} selects. */
    String name();

    /** Higher wins when several providers are available; ours use 100. */
    int priority();

    /**
     * Whether this provider can make containers on this host. Never throws: every failure becomes an
     * unavailable result carrying its cause. May cache its answer.
     */
    ProbeResult probe();

    /**
     * The runtime. Called only after a successful probe, or when the user names this provider explicitly;
     * an unavailable runtime's {@code create} throws {@code NOT_SUPPORTED} with the probe's reason.
     */
    ContainerRuntime createRuntime();

    /** The SPI version the provider was built against; containerv refuses providers of another version. */
    default int spiVersion() {
        return SPI_VERSION;
    }
}
