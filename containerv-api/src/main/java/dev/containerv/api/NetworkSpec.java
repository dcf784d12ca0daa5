package dev.containerv.api;

import dev.containerv.internal.Checks;
import dev.containerv.internal.Ipv4;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * IPv4 addressing of a container's network interface. Needs {@link Capability#NETWORK}.
 *
 * <pre>{@code
 * NetworkSpec net = NetworkSpec.builder()
 *         .containerAddress("10.77.0.2/24")   // or "10.77.0.2/255.255.255.0"
 *         .hostAddress("10.77.0.1")
 *         .gateway("10.77.0.1")
 *         .dns("10.77.0.1, 1.1.1.1")
 *         .build();
 * }</pre>
 */
public final class NetworkSpec {
    private final String containerAddress;
    private final int prefixLength;
    private final String hostAddress;
    private final String gateway;
    private final List<String> dns;

    private NetworkSpec(Builder b) {
        this.containerAddress = b.containerAddress;
        this.prefixLength = b.prefixLength;
        this.hostAddress = b.hostAddress;
        this.gateway = b.gateway;
        this.dns = List.copyOf(b.dns);
    }

    /** A builder; {@link Builder#containerAddress} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this spec's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.containerAddress = containerAddress;
        b.prefixLength = prefixLength;
        b.hostAddress = hostAddress;
        b.gateway = gateway;
        b.dns.addAll(dns);
        return b;
    }

    /** The container's address, dotted quad, without prefix. */
    public String containerAddress() {
        return containerAddress;
    }

    /** The prefix length, 0 to 32. */
    public int prefixLength() {
        return prefixLength;
    }

    /** The netmask in dotted-quad form. */
    public String netmask() {
        return Ipv4.format(prefixLength == 0 ? 0 : -1 << (32 - prefixLength));
    }

    /** The host end's address, if the host side of the link gets one. */
    public Optional<String> hostAddress() {
        return Optional.ofNullable(hostAddress);
    }

    /** The default gateway inside the container. */
    public Optional<String> gateway() {
        return Optional.ofNullable(gateway);
    }

    /** DNS servers, in order; written to the container's resolver configuration. */
    public List<String> dns() {
        return dns;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkSpec n && containerAddress.equals(n.containerAddress) && prefixLength == n.prefixLength
                && Objects.equals(hostAddress, n.hostAddress) && Objects.equals(gateway, n.gateway) && dns.equals(n.dns);
    }

    @Override
    public int hashCode() {
        return Objects.hash(containerAddress, prefixLength, hostAddress, gateway, dns);
    }

    @Override
    public String toString() {
        return "NetworkSpec[" + containerAddress + "/" + prefixLength + ", host=" + hostAddress + ", gateway=" + gateway + ", dns=" + dns + "]";
    }

    /** Builds a {@link NetworkSpec}. Not thread-safe. */
    public static final class Builder {
        private String containerAddress;
        private int prefixLength = -1;
        private String hostAddress;
        private String gateway;
        private final List<String> dns = new ArrayList<>();

        private Builder() {
        }

        /**
         * The container's address with its prefix: {@code 10.0.0.2/24} or {@code 10.0.0.2/255.255.255.0}.
         * A bare address means {@code /24}. Required.
         */
        public Builder containerAddress(String cidr) {
            Checks.text("network.containerAddress", cidr);
            int slash = cidr.indexOf('/');
            String address = slash < 0 ? cidr : cidr.substring(0, slash);
            Ipv4.parse("network.containerAddress", address);
            this.prefixLength = slash < 0 ? 24 : Ipv4.prefix("network.containerAddress", cidr.substring(slash + 1));
            this.containerAddress = address;
            return this;
        }

        /** The host end's address (dotted quad); none by default. */
        public Builder hostAddress(String address) {
            Ipv4.parse("network.hostAddress", address);
            this.hostAddress = address;
            return this;
        }

        /** The default gateway (dotted quad); none by default. */
        public Builder gateway(String address) {
            Ipv4.parse("network.gateway", address);
            this.gateway = address;
            return this;
        }

        /**
         * DNS servers: one or more lists of dotted-quad addresses separated by spaces, commas or
         * semicolons. Adds to any given before.
         */
        public Builder dns(String... servers) {
            for (String list : Checks.elements("network.dns", "lists of IPv4 addresses", servers)) {
                Checks.text("network.dns", list);
                for (String server : list.split("[\\s,;]+")) {
                    if (!server.isEmpty()) {
                        Ipv4.parse("network.dns", server);
                        dns.add(server);
                    }
                }
            }
            return this;
        }

        /**
         * @throws ContainerException {@code INVALID_SPEC} if no container address was given, if it is its subnet's
         *                            network or broadcast address, if the host address or gateway equals it, or if
         *                            the gateway lies outside the container's subnet (it could not be reached)
         */
        public NetworkSpec build() {
            if (containerAddress == null) {
                throw ContainerException.invalidSpec("network.containerAddress", null, "an IPv4 address with prefix, such as 10.0.0.2/24");
            }
            int address = Ipv4.parse("network.containerAddress", containerAddress);
            int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
            if (prefixLength <= 30 && ((address & ~mask) == 0 || (address | mask) == -1)) {
                throw ContainerException.invalidSpec("network.containerAddress", containerAddress + "/" + prefixLength,
                        "an address that is neither the network nor the broadcast address of its /" + prefixLength + " subnet");
            }
            if (containerAddress.equals(hostAddress)) {
                throw ContainerException.invalidSpec("network.hostAddress", hostAddress, "an address other than the container's own");
            }
            if (gateway != null) {
                if (gateway.equals(containerAddress)) {
                    throw ContainerException.invalidSpec("network.gateway", gateway, "an address other than the container's own");
                }
                if ((Ipv4.parse("network.gateway", gateway) & mask) != (address & mask)) {
                    throw ContainerException.invalidSpec("network.gateway", gateway, "an address inside the container's subnet "
                            + Ipv4.format(address & mask) + "/" + prefixLength + ", where the container can reach it");
                }
            }
            return new NetworkSpec(this);
        }
    }
}
