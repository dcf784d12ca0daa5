/**
 * The Linux provider of containerv: namespaces, overlayfs and {@code pivot_root}, driven through a small
 * native helper that is PID 1 in each container. {@code dev.containerv.linux} holds the provider and
 * {@link dev.containerv.linux.LinuxOptions}; the implementation is in a package that is not exported.
 */
module dev.containerv.linux {
    requires dev.containerv.api;
    requires com.fasterxml.jackson.databind;
    requires static com.google.auto.service;

    exports dev.containerv.linux;

    // state.json is bound by Jackson to the records of the state package.
    opens dev.containerv.linux.state to com.fasterxml.jackson.databind;

    provides dev.containerv.spi.ContainerRuntimeProvider with dev.containerv.linux.LinuxNamespacesProvider;
}
