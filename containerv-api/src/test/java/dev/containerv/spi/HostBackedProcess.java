package dev.containerv.spi;

import dev.containerv.api.Signal;

import java.io.InputStream;
import java.io.OutputStream;

/** A host process as a container process, for the toolkit's tests; its streams are the host process's pipes. */
final class HostBackedProcess extends AbstractContainerProcess {
    private final Process process;

    HostBackedProcess(Process process) {
        this.process = process;
        process.onExit().thenAccept(p -> exit().complete(p.exitValue()));
    }

    static HostBackedProcess start(String... command) {
        try {
            return new HostBackedProcess(new ProcessBuilder(command).start());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    protected void signal(Signal signal) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    @Override
    protected String describe() {
        return "host process " + process.pid();
    }

    @Override
    public OutputStream getOutputStream() {
        return process.getOutputStream();
    }

    @Override
    public InputStream getInputStream() {
        return process.getInputStream();
    }

    @Override
    public InputStream getErrorStream() {
        return process.getErrorStream();
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public long containerPid() {
        return process.pid();
    }

    @Override
    public String containerId() {
        return "c1";
    }
}
