package dev.containerv.windows.internal;

import dev.containerv.windows.schema.HostComputeNetwork;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Chooses the HNS network a container joins: the network whose HCN {@code Name} matches the requested
 * switch (ignoring case), else, only when none was asked for, the first NAT network, then the first ICS
 * network. An absent {@code Type} means NAT. The original also matched a {@code SwitchName}; HCN network
 * documents have no such field, so only {@code Name} is matched.
 */
public final class Networks {
    /** The network name asked for when no switch is given. */
    public static final String DEFAULT_SWITCH = "Default Switch";

    private Networks() {
    }

    /** The chosen network, or empty if none fits. */
    public static Optional<HostComputeNetwork> choose(List<HostComputeNetwork> networks, Optional<String> vmSwitch) {
        String wanted = vmSwitch.orElse(DEFAULT_SWITCH);
        Optional<HostComputeNetwork> byName = networks.stream().filter(n -> wanted.equalsIgnoreCase(n.name())).findFirst();
        if (byName.isPresent() || vmSwitch.isPresent()) {
            return byName;
        }
        return networks.stream().filter(n -> rank(n) < 2).min(Comparator.comparingInt(Networks::rank));
    }

    private static int rank(HostComputeNetwork n) {
        String type = n.type() == null ? "NAT" : n.type().toUpperCase(Locale.ROOT);
        return switch (type) {
            case "NAT" -> 0;
            case "ICS" -> 1;
            default -> 2;
        };
    }
}
