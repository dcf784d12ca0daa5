/**
 * containerv: real containers from the JVM without a container daemon.
 *
 * <p>{@link dev.containerv.api.ContainerRuntimes} finds the providers of this host through
 * {@link java.util.ServiceLoader}; {@code dev.containerv.spi} is what a provider implements.
 */
module dev.containerv.api {
    exports dev.containerv.api;
    exports dev.containerv.spi;

    uses dev.containerv.spi.ContainerRuntimeProvider;
}
