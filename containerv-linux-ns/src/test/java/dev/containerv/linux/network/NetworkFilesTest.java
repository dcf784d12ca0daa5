package dev.containerv.linux.network;

import dev.containerv.api.NetworkSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NetworkFilesTest {
    @Test
    void resolvConfListsTheServersInTheSpecsOrder() {
        NetworkSpec net = NetworkSpec.builder().containerAddress("10.0.3.2/24").dns("10.0.3.1", "192.0.2.53").build();
        assertThat(NetworkFiles.resolvConf(net)).isEqualTo("""
                # written by containerv from the container's NetworkSpec
                nameserver 10.0.3.1
                nameserver 192.0.2.53
                """);
    }

    @Test
    void resolvConfWithoutServersHasOnlyTheComment() {
        assertThat(NetworkFiles.resolvConf(NetworkSpec.builder().containerAddress("10.0.3.2/24").build())).doesNotContain("nameserver");
    }

    @Test
    void hostsNamesLoopbackAndTheContainerOnItsAddress() {
        NetworkSpec net = NetworkSpec.builder().containerAddress("10.0.3.2/24").build();
        assertThat(NetworkFiles.hosts("web-1", net)).isEqualTo("""
                # written by containerv from the container's NetworkSpec
                127.0.0.1\tlocalhost
                ::1\tlocalhost ip6-localhost ip6-loopback
                10.0.3.2\tweb-1
                """);
    }
}
