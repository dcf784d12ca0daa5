module dev.containerv.it.consumer {
    requires dev.containerv.api;
    exports dev.containerv.it.consumer;
}
