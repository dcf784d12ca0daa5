package dev.containerv.testkit.reference;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.Signal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A host process seen as a container process; its container pid is its host pid. */
final class HostProcess extends ContainerProcess {
    private final Process process;
    private final String containerId;
    private final boolean losesExitCodes;

    HostProcess(Process process, String containerId, boolean losesExitCodes) {
        this.process = process;
        this.containerId = containerId;
        this.losesExitCodes = losesExitCodes;
    }

    @Override
    public long containerPid() {
        return process.pid();
    }

    @Override
    public String containerId() {
        return containerId;
    }

    @Override
    public void kill(Signal signal) {
        if (!process.isAlive()) {
            return;
        }
        switch (signal) {
            case KILL -> process.destroyForcibly();
            case TERM -> process.destroy();
            default -> sendWithKillCommand(signal);
        }
    }

    private void sendWithKillCommand(Signal signal) {
        // The JDK sends only TERM and KILL; the shell's kill builtin sends the rest.
        try {
            Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -" + signal.number() + " " + process.pid())
                    .redirectErrorStream(true).start();
            String out = new String(kill.getInputStream().readAllBytes());
            if (!kill.waitFor(10, TimeUnit.SECONDS) || (kill.exitValue() != 0 && process.isAlive())) {
                throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "kill -" + signal.number() + " failed: " + out.strip())
                        .operation(HostProcessRuntime.OPERATION + "Process::kill").containerId(containerId).build();
            }
        } catch (IOException e) {
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "starting kill failed").operation(HostProcessRuntime.OPERATION + "Process::kill")
                    .containerId(containerId).cause(e).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
    public int waitFor() throws InterruptedException {
        process.waitFor();
        return exitValue();
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        return process.waitFor(timeout, unit);
    }

    @Override
    public int exitValue() {
        int value = process.exitValue();
        return losesExitCodes ? 0 : value;
    }

    @Override
    public void destroy() {
        process.destroy();
    }

    @Override
    public Process destroyForcibly() {
        process.destroyForcibly();
        return this;
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public ProcessHandle toHandle() {
        return process.toHandle();
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return process.onExit().thenApply(p -> this);
    }
}
