/**
 * The {@code containerv} command line: run, create, exec, ps, stats, cp, rm, ls and runtimes, and pull, images,
 * rmi and prune for images, on top of the public API and {@code containerv-images} only. The providers are found at run time by {@link dev.containerv.api.ContainerRuntimes}.
 */
module dev.containerv.cli {
    requires dev.containerv.api;
    requires dev.containerv.images;
    requires info.picocli;
    // -v/--verbose configures java.util.logging, the backend of System.Logger when this module is present.
    requires java.logging;

    opens dev.containerv.cli to info.picocli;
}
