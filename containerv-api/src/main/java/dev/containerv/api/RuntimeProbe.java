package dev.containerv.api;

/**
 * What {@link ContainerRuntimes#probeAll()} found out about one provider.
 *
 * @param name      the provider's name
 * @param priority  higher wins when several are available
 * @param available whether it can make containers here
 * @param reason    why it is or is not available, in words a person can act on
 */
public record RuntimeProbe(String name, int priority, boolean available, String reason) {
    @Override
    public String toString() {
        return name + " (priority " + priority + "): " + (available ? "available" : "not available") + ": " + reason;
    }
}
