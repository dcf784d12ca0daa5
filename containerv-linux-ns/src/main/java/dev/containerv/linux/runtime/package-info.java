/**
 * The runtime facade and the container handle. {@code LinuxRuntime} implements the API's runtime and only
 * delegates: {@code create} is {@code ContainerCreation}, {@code open}/{@code list} read the state store.
 * {@code LinuxContainer} is a handle on one running container (its control connection and state) whose
 * operations are {@code Spawner} (spawn: streams, JVM-served redirects through the SPI's {@code StdioRedirects},
 * environment), the SPI's {@code DeadlineExec} (exec with a deadline), the helper's copy, the {@code /proc} statistics reader and {@code ContainerStop} (destroy).
 * {@code LinuxContainerProcess} is the {@code java.lang.Process} over the connections, an SPI
 * {@code AbstractContainerProcess}.
 * <p>Contract: nothing here talks to the kernel directly; it composes the other packages. Java creates: the
 * state and layer directories, the plan, the helper process; the helper creates everything else.
 */
package dev.containerv.linux.runtime;
