package dev.containerv.windows.hcs;

import java.util.UUID;

/**
 * Host networking through HCN (computenetwork.dll, hcsshim's {@code hcn}): networks, endpoints and namespaces, as
 * JSON documents. Implementation: {@link NativeHostNetwork}.
 *
 * <p>Every failure is an {@link HcsException} carrying the C function, the HRESULT and the result document's
 * messages; nothing else is thrown for a platform failure. Method names follow the C functions they stand for.
 * Thread-safe.
 */
public interface HostNetwork {
    /** HcnEnumerateNetworks, then HcnOpenNetwork / HcnQueryNetworkProperties / HcnCloseNetwork for each: a JSON array of HostComputeNetwork. */
    String listNetworks();

    /** HcnOpenNetwork, HcnCreateEndpoint, HcnQueryEndpointProperties, closing both handles: the endpoint's HostComputeEndpoint document. */
    String createEndpoint(UUID network, String settings);

    /** HcnDeleteEndpoint. */
    void deleteEndpoint(UUID endpoint);

    /** HcnCreateNamespace, HcnQueryNamespaceProperties, HcnCloseNamespace: the HostComputeNamespace document. */
    String createNamespace(String settings);

    /** HcnOpenNamespace, HcnModifyNamespace (add or remove an endpoint), HcnCloseNamespace. */
    void modifyNamespace(UUID namespace, String settings);

    /** HcnDeleteNamespace. */
    void deleteNamespace(UUID namespace);
}
