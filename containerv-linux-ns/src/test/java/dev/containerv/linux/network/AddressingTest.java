package dev.containerv.linux.network;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.NetworkSpec;
import dev.containerv.linux.proc.Proc.Route;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AddressingTest {
    private static NetworkSpec net(String cidr, String host) {
        NetworkSpec.Builder b = NetworkSpec.builder().containerAddress(cidr);
        return host == null ? b.build() : b.hostAddress(host).build();
    }

    @Test
    void acceptsAHostAddressInsideTheSubnetAndNone() {
        assertThatCode(() -> Addressing.check(net("10.213.7.2/24", "10.213.7.1"))).doesNotThrowAnyException();
        assertThatCode(() -> Addressing.check(net("10.213.7.2/24", null))).doesNotThrowAnyException();
        assertThatCode(() -> Addressing.check(net("192.168.5.6/30", "192.168.5.5"))).doesNotThrowAnyException();
    }

    @Test
    void refusesAHostAddressOutsideTheSubnetOrOnItsEdges() {
        for (String host : List.of("10.213.8.1", "10.213.7.0", "10.213.7.255")) {
            assertThatThrownBy(() -> Addressing.check(net("10.213.7.2/24", host)))
                    .isInstanceOfSatisfying(ContainerException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC);
                        assertThat(e.getMessage()).contains("network.hostAddress", host, "10.213.7.0/24");
                    });
        }
    }

    @Test
    void refusesPrefixesThatLeaveNoRoomForBothEnds() {
        for (String cidr : List.of("10.1.1.2/31", "10.1.1.2/32", "10.1.1.2/0")) {
            assertThatThrownBy(() -> Addressing.check(net(cidr, null))).isInstanceOfSatisfying(ContainerException.class,
                    e -> assertThat(e.getMessage()).contains("network.containerAddress", "/1 to /30"));
        }
    }

    @Test
    void aSubnetTheHostRoutesIsRefusedNamingTheLinkAndTheContainer() {
        List<Route> routes = List.of(new Route("eth0", 0, 0), new Route("cv0123456789ab", 0x0ad50700, 0xffffff00));
        assertThatThrownBy(() -> Addressing.checkSubnetFree(net("10.213.7.9/24", "10.213.7.1"), routes,
                iface -> iface.equals("cv0123456789ab") ? Optional.of("first") : Optional.empty()))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS);
                    assertThat(e.getMessage()).contains("10.213.7.0/24", "cv0123456789ab", "'first'");
                });
        assertThatThrownBy(() -> Addressing.checkSubnetFree(net("10.213.7.9/24", null), routes, iface -> Optional.empty()))
                .hasMessageContaining("not the link of a container");
    }

    @Test
    void anotherSubnetOrAnotherPrefixOfTheSameAddressesIsFree() {
        List<Route> routes = List.of(new Route("eth0", 0, 0), new Route("cv0123456789ab", 0x0ad50700, 0xffffff00));
        assertThatCode(() -> Addressing.checkSubnetFree(net("10.213.8.2/24", null), routes, i -> Optional.empty())).doesNotThrowAnyException();
        assertThatCode(() -> Addressing.checkSubnetFree(net("10.213.7.2/25", null), routes, i -> Optional.empty())).doesNotThrowAnyException();
    }

    @Test
    void subnetTextIsTheNetworkAddressAndPrefix() {
        assertThat(Addressing.subnetText(net("172.16.33.200/20", null))).isEqualTo("172.16.32.0/20");
    }
}
