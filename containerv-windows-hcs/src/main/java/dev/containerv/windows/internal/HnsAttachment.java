package dev.containerv.windows.internal;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.NetworkSpec;
import dev.containerv.windows.WindowsOptions;
import dev.containerv.windows.hcs.HostNetwork;
import dev.containerv.windows.schema.Dns;
import dev.containerv.windows.schema.HostComputeEndpoint;
import dev.containerv.windows.schema.HostComputeNamespace;
import dev.containerv.windows.schema.HostComputeNetwork;
import dev.containerv.windows.schema.IpConfig;
import dev.containerv.windows.schema.Json;
import dev.containerv.windows.schema.NamespaceEndpoint;
import dev.containerv.windows.schema.NamespaceResourceRequest;
import dev.containerv.windows.schema.Route;
import dev.containerv.windows.schema.Version;

import java.util.List;
import java.util.UUID;

/**
 * The container's place on an HNS network: the network chosen ({@link Networks}), a namespace of its own, an
 * endpoint with the spec's address, gateway route and DNS, added to the namespace. Each step pushes its undo.
 */
final class HnsAttachment {
    private HnsAttachment() {
    }

    /** Joins the container to the chosen network: its namespace id, for {@code Container.Networking.Namespace}. */
    static String attach(HostNetwork hcs, NetworkSpec net, WindowsOptions options, String id, UndoStack undo, String op) {
        List<HostComputeNetwork> networks = Json.readList(hcs.listNetworks(), HostComputeNetwork.class);
        HostComputeNetwork chosen = Networks.choose(networks, options.vmSwitch()).orElseThrow(() ->
                ContainerException.builder(ErrorKind.NOT_FOUND, "no HNS network named '" + options.vmSwitch().orElse(Networks.DEFAULT_SWITCH)
                                + "' (WindowsOptions.vmSwitch) and no NAT or ICS network to fall back on; networks found: "
                                + networks.stream().map(n -> n.name() + " (" + (n.type() == null ? "NAT" : n.type()) + ")").toList()
                                + " (see Get-HnsNetwork)")
                        .operation(op).containerId(id).build());
        List<Route> routes = net.gateway().map(g -> List.of(new Route(g, "0.0.0.0/0"))).orElse(null);
        HostComputeEndpoint settings = new HostComputeEndpoint(null, "containerv-" + id, chosen.id(), null,
                List.of(new IpConfig(net.containerAddress(), net.prefixLength())),
                net.dns().isEmpty() ? null : new Dns(null, null, net.dns()), routes, new Version(2, 0));
        // No Type: "HostDefault" names the host's own namespace (hcsshim, containerd create a container's without one).
        HostComputeNamespace ns = Json.read(hcs.createNamespace(Json.write(new HostComputeNamespace(null, null, new Version(2, 0)))),
                HostComputeNamespace.class);
        UUID nsId = UUID.fromString(ns.id());
        undo.push(() -> hcs.deleteNamespace(nsId));
        HostComputeEndpoint endpoint = Json.read(hcs.createEndpoint(UUID.fromString(chosen.id()), Json.write(settings)), HostComputeEndpoint.class);
        UUID endpointId = UUID.fromString(endpoint.id());
        undo.push(() -> hcs.deleteEndpoint(endpointId));
        hcs.modifyNamespace(nsId, Json.write(new NamespaceResourceRequest("Endpoint", "Add", new NamespaceEndpoint(endpoint.id()))));
        undo.push(() -> hcs.modifyNamespace(nsId, Json.write(new NamespaceResourceRequest("Endpoint", "Remove", new NamespaceEndpoint(endpoint.id())))));
        return ns.id();
    }
}
