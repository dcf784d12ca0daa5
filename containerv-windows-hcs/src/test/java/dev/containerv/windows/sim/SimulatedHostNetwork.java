package dev.containerv.windows.sim;

import dev.containerv.windows.hcs.HResult;
import dev.containerv.windows.hcs.HcsException;
import dev.containerv.windows.hcs.HostNetwork;
import dev.containerv.windows.schema.HostComputeEndpoint;
import dev.containerv.windows.schema.HostComputeNamespace;
import dev.containerv.windows.schema.HostComputeNetwork;
import dev.containerv.windows.schema.Json;
import dev.containerv.windows.schema.NamespaceResourceRequest;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Simulated HCN: networks (one NAT network, "nat", to start with), endpoints, and namespaces, which must be
 * created with no Type (a typed one is the host's own).
 */
final class SimulatedHostNetwork implements HostNetwork {
    private final SimCalls calls;
    final List<HostComputeNetwork> networks = new CopyOnWriteArrayList<>();
    final Map<UUID, HostComputeEndpoint> endpoints = new ConcurrentHashMap<>();
    final Map<UUID, List<String>> namespaces = new ConcurrentHashMap<>();

    SimulatedHostNetwork(SimCalls calls) {
        this.calls = calls;
        networks.add(new HostComputeNetwork(UUID.nameUUIDFromBytes("nat".getBytes()).toString(), "nat", "NAT"));
    }

    Set<UUID> namespaceIds() {
        return Set.copyOf(namespaces.keySet());
    }

    @Override
    public String listNetworks() {
        long h = calls.open("hcn enumerate");
        try {
            calls.enter("HcnEnumerateNetworks");
            return Json.write(networks);
        } finally {
            calls.close(h);
        }
    }

    @Override
    public String createEndpoint(UUID network, String settings) {
        long net = calls.open("hcn network " + network);
        try {
            calls.enter("HcnCreateEndpoint");
            if (networks.stream().noneMatch(n -> n.id().equals(network.toString()))) {
                throw new HcsException("HcnOpenNetwork", HResult.HCN_E_NETWORK_NOT_FOUND, null);
            }
            HostComputeEndpoint s = Json.read(settings, HostComputeEndpoint.class);
            UUID id = UUID.randomUUID();
            HostComputeEndpoint created = new HostComputeEndpoint(id.toString(), s.name(), network.toString(), null, s.ipConfigurations(), s.dns(), s.routes(), s.schemaVersion());
            endpoints.put(id, created);
            return Json.write(created);
        } finally {
            calls.close(net);
        }
    }

    @Override
    public void deleteEndpoint(UUID endpoint) {
        calls.enter("HcnDeleteEndpoint");
        if (endpoints.remove(endpoint) == null) {
            throw new HcsException("HcnDeleteEndpoint", HResult.HCN_E_ENDPOINT_NOT_FOUND, null);
        }
    }

    @Override
    public String createNamespace(String settings) {
        calls.enter("HcnCreateNamespace");
        HostComputeNamespace s = Json.read(settings, HostComputeNamespace.class);
        if (s.type() != null) {
            // A typed namespace ("HostDefault") is the host's own: endpoints added to it would join the host, not a container.
            throw new HcsException("HcnCreateNamespace", HResult.E_INVALIDARG, "a container's namespace has no Type; " + s.type() + " is the host's");
        }
        UUID id = UUID.randomUUID();
        namespaces.put(id, new java.util.concurrent.CopyOnWriteArrayList<>());
        return Json.write(new HostComputeNamespace(id.toString(), s.type(), s.schemaVersion()));
    }

    @Override
    public void modifyNamespace(UUID namespace, String settings) {
        long h = calls.open("hcn namespace " + namespace);
        try {
            calls.enter("HcnModifyNamespace");
            List<String> members = namespaces.get(namespace);
            if (members == null) {
                throw new HcsException("HcnOpenNamespace", HResult.fromWin32(HResult.ERROR_ELEMENT_NOT_FOUND), null);
            }
            NamespaceResourceRequest r = Json.read(settings, NamespaceResourceRequest.class);
            if (r.requestType().equals("Add")) {
                if (!endpoints.containsKey(UUID.fromString(r.settings().endpointId()))) {
                    throw new HcsException("HcnModifyNamespace", HResult.HCN_E_ENDPOINT_NOT_FOUND, null);
                }
                members.add(r.settings().endpointId());
            } else {
                members.remove(r.settings().endpointId());
            }
        } finally {
            calls.close(h);
        }
    }

    @Override
    public void deleteNamespace(UUID namespace) {
        calls.enter("HcnDeleteNamespace");
        if (namespaces.remove(namespace) == null) {
            throw new HcsException("HcnDeleteNamespace", HResult.fromWin32(HResult.ERROR_ELEMENT_NOT_FOUND), null);
        }
    }
}
