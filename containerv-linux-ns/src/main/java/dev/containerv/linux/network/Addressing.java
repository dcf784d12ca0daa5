package dev.containerv.linux.network;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.NetworkSpec;

import dev.containerv.linux.proc.Proc.Route;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What linux-ns adds to the API's checks of a {@code NetworkSpec}, and the subnet-in-use check.
 * <p>The host side gets {@code hostAddress/prefix}, so the kernel adds a connected route for the container's subnet
 * through the host-side link. A second link with a route for the same subnet would only be second in the host's
 * table: replies to the second container would leave through the first one's link. So a subnet the host already
 * routes (through another container's link or any other interface) is refused, naming the link and the container
 * that uses it. Stateless.
 */
public final class Addressing {
    private Addressing() {
    }

    /** Checks the addresses among themselves: a prefix from 1 to 30, the host address inside the subnet. */
    public static void check(NetworkSpec net) {
        int prefix = net.prefixLength();
        if (prefix < 1 || prefix > 30) {
            throw ContainerException.invalidSpec("network.containerAddress", net.containerAddress() + "/" + prefix,
                    "a prefix from /1 to /30 (linux-ns addresses both ends of a veth pair inside one subnet)");
        }
        int mask = mask(prefix);
        int subnet = parse(net.containerAddress()) & mask;
        Optional<String> host = net.hostAddress();
        if (host.isPresent()) {
            int h = parse(host.get());
            if ((h & mask) != subnet || (h & ~mask) == 0 || (h | mask) == -1) {
                throw ContainerException.invalidSpec("network.hostAddress", host.get(), "an address inside the container's subnet "
                        + subnetText(net) + " that is neither its network nor its broadcast address");
            }
        }
    }

    /**
     * Refuses a subnet the host already routes.
     *
     * @param routes        the host's IPv4 routes
     * @param linkOwner     the id of the container whose host-side link an interface is, for the message
     * @throws ContainerException {@code ALREADY_EXISTS} naming the subnet, the interface and the container using it
     */
    public static void checkSubnetFree(NetworkSpec net, List<Route> routes, Function<String, Optional<String>> linkOwner) {
        int mask = mask(net.prefixLength());
        int subnet = parse(net.containerAddress()) & mask;
        for (Route r : routes) {
            if (r.mask() == mask && r.destination() == subnet) {
                String owner = linkOwner.apply(r.iface()).map(id -> "the container '" + id + "'")
                        .orElse("an interface that is not the link of a container under this state root");
                throw ContainerException.builder(ErrorKind.ALREADY_EXISTS, "subnet " + subnetText(net) + " is already routed on the host through "
                        + r.iface() + " (" + owner + "); a second link for the same subnet would never get the replies: choose another subnet")
                        .build();
            }
        }
    }

    /** {@code a.b.c.d/p} of the container's subnet. */
    public static String subnetText(NetworkSpec net) {
        int s = parse(net.containerAddress()) & mask(net.prefixLength());
        return format(s) + "/" + net.prefixLength();
    }

    static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    /** A dotted quad the API already checked. */
    static int parse(String dotted) {
        String[] p = dotted.split("\\.");
        int v = 0;
        for (String part : p) {
            v = (v << 8) | Integer.parseInt(part);
        }
        return v;
    }

    static String format(int v) {
        return ((v >>> 24) & 255) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255);
    }
}
