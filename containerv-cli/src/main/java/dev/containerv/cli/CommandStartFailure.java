package dev.containerv.cli;

import dev.containerv.api.ContainerException;

/**
 * The command of {@code run} or {@code exec} could not be started: exits 126/127 rather than the code of the
 * failure's kind, because the container is fine and the command is at fault.
 */
final class CommandStartFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CommandStartFailure(ContainerException cause) {
        super(cause.getMessage(), cause);
    }

    @Override
    public synchronized ContainerException getCause() {
        return (ContainerException) super.getCause();
    }
}
