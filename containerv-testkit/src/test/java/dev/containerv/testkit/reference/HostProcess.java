package dev.containerv.testkit.reference;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.Signal;
import dev.containerv.spi.AbstractContainerProcess;
import dev.containerv.spi.StdioRedirects;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * A host process seen as a container process; its container pid is its host pid. Its pipes are the transport
 * the toolkit's {@link StdioRedirects} serves the spec's redirects over, as a real provider's sockets are.
 */
final class HostProcess extends AbstractContainerProcess {
    private final Process process;
    private final String containerId;
    private final String program;
    private final StdioRedirects.ProcessStreams streams;
    private final boolean destroyThrowsWhenGone;

    HostProcess(Process process, String containerId, String program, StdioRedirects.ProcessStreams streams, boolean losesExitCodes,
                boolean destroyThrowsWhenGone) {
        this.destroyThrowsWhenGone = destroyThrowsWhenGone;
        this.process = process;
        this.containerId = containerId;
        this.program = program;
        this.streams = streams;
        // The exit counts once the outputs served by the JVM (files, inherit) are written, as for a local process.
        process.onExit().thenCombine(streams.outputsServed(), (p, served) -> p.exitValue())
                .thenAccept(value -> exit().complete(losesExitCodes ? 0 : value));
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
    protected String describe() {
        return "process " + process.pid() + " (" + program + ") in container " + containerId;
    }

    @Override
    protected void signal(Signal signal) {
        switch (signal) {
            case KILL -> {
                // Its descendants too: a background child would otherwise hold exec's output open and outlive the
                // container's list of processes.
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
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
    public void destroy() {
        if (destroyThrowsWhenGone && !process.isAlive()) {
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "process " + process.pid() + " is gone")
                    .operation(HostProcessRuntime.OPERATION + "Process::destroy").containerId(containerId).build();
        }
        super.destroy();
    }

    @Override
    public OutputStream getOutputStream() {
        return streams.stdin();
    }

    @Override
    public InputStream getInputStream() {
        return streams.stdout();
    }

    @Override
    public InputStream getErrorStream() {
        return streams.stderr();
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public ProcessHandle toHandle() {
        return process.toHandle();
    }
}
