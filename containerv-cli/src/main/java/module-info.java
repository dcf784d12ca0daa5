/** The containerv command line. */
module dev.containerv.cli {
    requires dev.containerv.api;
    requires info.picocli;

    opens dev.containerv.cli to info.picocli;
}
