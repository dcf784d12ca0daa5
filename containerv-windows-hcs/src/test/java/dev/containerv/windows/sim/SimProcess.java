package dev.containerv.windows.sim;

/** A simulated container process: the host process that plays it, in the system {@code systemId}. */
record SimProcess(String systemId, Process process, String image) {
}
