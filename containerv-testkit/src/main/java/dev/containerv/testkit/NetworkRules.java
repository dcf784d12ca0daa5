package dev.containerv.testkit;

import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.GuestOs;
import dev.containerv.api.NetworkSpec;
import dev.containerv.api.RuntimeFeature;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.containerv.testkit.ConformanceSupport.RANDOM;
import static dev.containerv.testkit.ConformanceSupport.readAllAsync;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code network} area of the conformance suite. Addressed networking between the host and a container.
 * Implemented by {@link ContainerConformanceSuite}; see {@link ConformanceRules} for the names.
 */
public interface NetworkRules extends ConformanceRules {
    @Test
    default void optional_network_theContainerReachesTheHostAddress() throws Exception {
        tck().requires(Capability.NETWORK);
        tck().requiresFeatures(RuntimeFeature.NETWORK_ADDRESSING);
        NetworkSpec net = tck().testNetwork();
        Container c = tck().create(tck().specBuilder(tck().newId()).capabilities(tck().with(Capability.NETWORK)).network(net).build());
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName(net.hostAddress().orElseThrow()))) {
            server.setSoTimeout(30_000);
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            tck().exec(c, tck().fixture().connectTcp(net.hostAddress().orElseThrow(), server.getLocalPort(), "hello host"));
            assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo("hello host");
        }
    }

    @Test
    default void optional_network_theHostReachesAServerInTheContainer() throws Exception {
        tck().requires(Capability.NETWORK);
        tck().requiresFeatures(RuntimeFeature.NETWORK_ADDRESSING);
        NetworkSpec net = tck().testNetwork();
        Container c = tck().create(tck().specBuilder(tck().newId()).capabilities(tck().with(Capability.NETWORK)).network(net).build());
        int port = 20000 + RANDOM.nextInt(20000);
        ContainerProcess server = c.spawn(tck().fixture().listenTcp(port).build());
        CompletableFuture<byte[]> out = readAllAsync(server.getInputStream());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(net.containerAddress(), port)) {
                s.getOutputStream().write("hello container".getBytes(StandardCharsets.UTF_8));
                last = null;
                break;
            } catch (IOException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        assertThat(last).as("connecting to the container's server").isNull();
        assertThat(new String(out.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo("hello container");
    }

    @Test
    default void optional_network_theResolverFileNamesTheDnsServers() {
        tck().requires(Capability.NETWORK);
        tck().requiresFeatures(RuntimeFeature.NETWORK_ADDRESSING);
        tck().requiresGuest(GuestOs.LINUX);
        NetworkSpec net = tck().testNetwork();
        Container c = tck().create(tck().specBuilder(tck().newId()).capabilities(tck().with(Capability.NETWORK)).network(net).build());
        assertThat(tck().exec(c, tck().fixture().readFile("/etc/resolv.conf")).stdout()).contains("nameserver " + net.dns().get(0));
    }
}
