package dev.containerv.windows.jna;

import com.sun.jna.WString;
import com.sun.jna.platform.win32.Guid.GUID;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.platform.win32.WinNT.HANDLEByReference;
import com.sun.jna.ptr.PointerByReference;
import com.sun.jna.win32.StdCallLibrary;

/**
 * computenetwork.dll, the Host Compute Network (HNS) API, transcribed from the MicrosoftDocs
 * {@code virtualization/api/hcn/Reference} pages. Synchronous; HRESULT return; the optional trailing
 * {@code PWSTR* ErrorRecord} and every returned string are freed with {@code CoTaskMemFree}; ids are
 * {@code REFGUID}. Loaded lazily by {@link Natives#computeNetwork()}.
 */
public interface ComputeNetwork extends StdCallLibrary {
    /** The DLL name. */
    String DLL = "computenetwork";

    /** {@code HRESULT HcnEnumerateNetworks(PCWSTR Query, PWSTR* Networks, PWSTR* ErrorRecord)}: a JSON array of ids. */
    int HcnEnumerateNetworks(WString Query, PointerByReference Networks, PointerByReference ErrorRecord);

    /** {@code HRESULT HcnOpenNetwork(REFGUID Id, PHCN_NETWORK Network, PWSTR* ErrorRecord)}. */
    int HcnOpenNetwork(GUID Id, HANDLEByReference Network, PointerByReference ErrorRecord);

    /** {@code HRESULT HcnQueryNetworkProperties(HCN_NETWORK Network, PCWSTR Query, PWSTR* Properties, PWSTR* ErrorRecord)}. */
    int HcnQueryNetworkProperties(HANDLE Network, WString Query, PointerByReference Properties, PointerByReference ErrorRecord);

    /** {@code HRESULT HcnCloseNetwork(HCN_NETWORK Network)}. */
    int HcnCloseNetwork(HANDLE Network);

    /** {@code HRESULT HcnEnumerateEndpoints(PCWSTR Query, PWSTR* Endpoints, PWSTR* ErrorRecord)}. */
    int HcnEnumerateEndpoints(WString Query, PointerByReference Endpoints, PointerByReference ErrorRecord);

    /** {@code HRESULT HcnCreateEndpoint(HCN_NETWORK Network, REFGUID Id, PCWSTR Settings, PHCN_ENDPOINT Endpoint, PWSTR* ErrorRecord)}. */
    int HcnCreateEndpoint(HANDLE Network, GUID Id, WString Settings, HANDLEByReference Endpoint, PointerByReference ErrorRecord);

    /** {@code HRESULT HcnOpenEndpoint(REFGUID Id, PHCN_ENDPOINT Endpoint, PWSTR* ErrorRecord)}. */
    int HcnOpenEndpoint(GUID Id, HANDLEByReference Endpoint, PointerByReference ErrorRecord);

    /** {@code HRESULT HcnQueryEndpointProperties(HCN_ENDPOINT Endpoint, PCWSTR Query, PWSTR* Properties, PWSTR* ErrorRecord)}. */
    int HcnQueryEndpointProperties(HANDLE Endpoint, WString Query, PointerByReference Properties, PointerByReference ErrorRecord);

    /** {@code HRESULT HcnModifyEndpoint(HCN_ENDPOINT Endpoint, PCWSTR Settings, PWSTR* ErrorRecord)}. */
    int HcnModifyEndpoint(HANDLE Endpoint, WString Settings, PointerByReference ErrorRecord);

    /** {@code HRESULT HcnDeleteEndpoint(REFGUID Id, PWSTR* ErrorRecord)}. */
    int HcnDeleteEndpoint(GUID Id, PointerByReference ErrorRecord);

    /** {@code HRESULT HcnCloseEndpoint(HCN_ENDPOINT Endpoint)}. */
    int HcnCloseEndpoint(HANDLE Endpoint);

    /** {@code HRESULT HcnEnumerateNamespaces(PCWSTR Query, PWSTR* Namespaces, PWSTR* ErrorRecord)}. */
    int HcnEnumerateNamespaces(WString Query, PointerByReference Namespaces, PointerByReference ErrorRecord);

    /** {@code HRESULT HcnCreateNamespace(REFGUID Id, PCWSTR Settings, PHCN_NAMESPACE Namespace, PWSTR* ErrorRecord)}. */
    int HcnCreateNamespace(GUID Id, WString Settings, HANDLEByReference Namespace, PointerByReference ErrorRecord);

    /** {@code HRESULT HcnOpenNamespace(REFGUID Id, PHCN_NAMESPACE Namespace, PWSTR* ErrorRecord)}. */
    int HcnOpenNamespace(GUID Id, HANDLEByReference Namespace, PointerByReference ErrorRecord);

    /** {@code HRESULT HcnModifyNamespace(HCN_NAMESPACE Namespace, PCWSTR Settings, PWSTR* ErrorRecord)}. */
    int HcnModifyNamespace(HANDLE Namespace, WString Settings, PointerByReference ErrorRecord);

    /** {@code HRESULT HcnQueryNamespaceProperties(HCN_NAMESPACE Namespace, PCWSTR Query, PWSTR* Properties, PWSTR* ErrorRecord)}. */
    int HcnQueryNamespaceProperties(HANDLE Namespace, WString Query, PointerByReference Properties, PointerByReference ErrorRecord);

    /** {@code HRESULT HcnDeleteNamespace(REFGUID Id, PWSTR* ErrorRecord)}. */
    int HcnDeleteNamespace(GUID Id, PointerByReference ErrorRecord);

    /** {@code HRESULT HcnCloseNamespace(HCN_NAMESPACE Namespace)}. */
    int HcnCloseNamespace(HANDLE Namespace);
}
