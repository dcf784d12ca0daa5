package dev.containerv.linux.network;

import dev.containerv.api.NetworkSpec;

/**
 * The text of a container's {@code /etc/resolv.conf} (the spec's DNS servers, in order) and {@code /etc/hosts}
 * (loopback and the container's own name on its address). Stateless.
 */
public final class NetworkFiles {
    private NetworkFiles() {
    }

    /** {@code nameserver} lines in the spec's order; no servers gives a file with only the comment. */
    public static String resolvConf(NetworkSpec net) {
        StringBuilder b = new StringBuilder("# written by containerv from the container's NetworkSpec\n");
        for (String server : net.dns()) {
            b.append("nameserver ").append(server).append('\n');
        }
        return b.toString();
    }

    /** Loopback names and {@code hostname} on the container's address. */
    public static String hosts(String hostname, NetworkSpec net) {
        return "# written by containerv from the container's NetworkSpec\n"
                + "127.0.0.1\tlocalhost\n"
                + "::1\tlocalhost ip6-localhost ip6-loopback\n"
                + net.containerAddress() + "\t" + hostname + "\n";
    }
}
