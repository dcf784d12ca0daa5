/** The Linux provider of containerv: namespaces, overlayfs, cgroups and veth, driven through a small native helper. */
module dev.containerv.linux {
    requires dev.containerv.api;
    requires com.sun.jna;
    requires com.fasterxml.jackson.databind;
    requires static com.google.auto.service;

    exports dev.containerv.linux;

    provides dev.containerv.spi.ContainerRuntimeProvider with dev.containerv.linux.LinuxNamespacesProvider;
}
