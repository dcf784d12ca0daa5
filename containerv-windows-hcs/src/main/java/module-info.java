/** The Windows provider of containerv: the Host Compute Service and Host Network Service through JNA. */
module dev.containerv.windows {
    requires transitive dev.containerv.api;
    requires com.sun.jna;
    requires com.sun.jna.platform;
    requires com.fasterxml.jackson.databind;
    requires static com.google.auto.service;

    exports dev.containerv.windows;

    // Jackson binds the schema records and JNA proxies the bindings and reads the structures by reflection.
    opens dev.containerv.windows.schema to com.fasterxml.jackson.databind;
    opens dev.containerv.windows.jna to com.sun.jna;

    provides dev.containerv.spi.ContainerRuntimeProvider with dev.containerv.windows.WindowsHcsProvider;
}
