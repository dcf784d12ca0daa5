package dev.containerv.windows.hcs;

import com.sun.jna.WString;
import com.sun.jna.platform.win32.Guid.GUID;
import com.sun.jna.platform.win32.WinNT.HANDLEByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.containerv.windows.jna.ComputeNetwork;
import dev.containerv.windows.jna.NativeMemory;
import dev.containerv.windows.schema.HostComputeQuery;
import dev.containerv.windows.schema.Json;
import dev.containerv.windows.schema.Version;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@link HostNetwork} over computenetwork.dll (hcsshim's {@code hcn}): every handle opened is closed, every returned
 * string and error record freed with CoTaskMemFree.
 */
public final class NativeHostNetwork implements HostNetwork {
    private static final System.Logger LOG = System.getLogger(HostNetwork.class.getName());
    private static final String HCN_QUERY = Json.write(new HostComputeQuery(new Version(2, 0), 0, ""));
    private static final GUID ZERO_GUID = new GUID();

    private final Supplier<ComputeNetwork> network;
    private final NativeMemory memory;

    /** Over computenetwork.dll, loaded on the first call. */
    public NativeHostNetwork(Supplier<ComputeNetwork> network, NativeMemory memory) {
        this.network = network;
        this.memory = memory;
    }


    private void checkHcn(String call, int hr, PointerByReference errorRecord) {
        String error = memory.takeCoTask(errorRecord);
        if (HResult.failed(hr)) {
            throw HcsException.fromResult(call, hr, error);
        }
    }

    @Override
    public String listNetworks() {
        ComputeNetwork hcn = network.get();
        PointerByReference ids = new PointerByReference();
        PointerByReference err = new PointerByReference();
        int hr = hcn.HcnEnumerateNetworks(new WString(HCN_QUERY), ids, err);
        String idList = memory.takeCoTask(ids);
        checkHcn("HcnEnumerateNetworks", hr, err);
        List<String> docs = new ArrayList<>();
        for (String id : Json.readList(idList == null ? "[]" : idList, String.class)) {
            HANDLEByReference net = new HANDLEByReference();
            PointerByReference openErr = new PointerByReference();
            checkHcn("HcnOpenNetwork", hcn.HcnOpenNetwork(NativeHcsBase.guid(UUID.fromString(strip(id))), net, openErr), openErr);
            try {
                PointerByReference props = new PointerByReference();
                PointerByReference queryErr = new PointerByReference();
                int qhr = hcn.HcnQueryNetworkProperties(net.getValue(), new WString(HCN_QUERY), props, queryErr);
                String doc = memory.takeCoTask(props);
                checkHcn("HcnQueryNetworkProperties", qhr, queryErr);
                docs.add(doc);
            } finally {
                int chr = hcn.HcnCloseNetwork(net.getValue());
                if (HResult.failed(chr)) {
                    LOG.log(System.Logger.Level.WARNING, "HcnCloseNetwork failed: " + HResult.describe(chr));
                }
            }
        }
        return "[" + String.join(",", docs) + "]";
    }

    private static String strip(String guid) {
        return guid.startsWith("{") ? guid.substring(1, guid.length() - 1) : guid;
    }

    @Override
    public String createEndpoint(UUID networkId, String settings) {
        ComputeNetwork hcn = network.get();
        HANDLEByReference net = new HANDLEByReference();
        PointerByReference err = new PointerByReference();
        checkHcn("HcnOpenNetwork", hcn.HcnOpenNetwork(NativeHcsBase.guid(networkId), net, err), err);
        try {
            HANDLEByReference endpoint = new HANDLEByReference();
            PointerByReference createErr = new PointerByReference();
            // hcsshim passes the zero GUID and reads the id HNS chose back from the properties.
            checkHcn("HcnCreateEndpoint", hcn.HcnCreateEndpoint(net.getValue(), ZERO_GUID, new WString(settings), endpoint, createErr), createErr);
            try {
                PointerByReference props = new PointerByReference();
                PointerByReference queryErr = new PointerByReference();
                int hr = hcn.HcnQueryEndpointProperties(endpoint.getValue(), new WString(HCN_QUERY), props, queryErr);
                String doc = memory.takeCoTask(props);
                checkHcn("HcnQueryEndpointProperties", hr, queryErr);
                return doc;
            } finally {
                hcn.HcnCloseEndpoint(endpoint.getValue());
            }
        } finally {
            hcn.HcnCloseNetwork(net.getValue());
        }
    }

    @Override
    public void deleteEndpoint(UUID endpoint) {
        PointerByReference err = new PointerByReference();
        checkHcn("HcnDeleteEndpoint", network.get().HcnDeleteEndpoint(NativeHcsBase.guid(endpoint), err), err);
    }

    @Override
    public String createNamespace(String settings) {
        ComputeNetwork hcn = network.get();
        HANDLEByReference ns = new HANDLEByReference();
        PointerByReference err = new PointerByReference();
        checkHcn("HcnCreateNamespace", hcn.HcnCreateNamespace(ZERO_GUID, new WString(settings), ns, err), err);
        try {
            PointerByReference props = new PointerByReference();
            PointerByReference queryErr = new PointerByReference();
            int hr = hcn.HcnQueryNamespaceProperties(ns.getValue(), new WString(HCN_QUERY), props, queryErr);
            String doc = memory.takeCoTask(props);
            checkHcn("HcnQueryNamespaceProperties", hr, queryErr);
            return doc;
        } finally {
            hcn.HcnCloseNamespace(ns.getValue());
        }
    }

    @Override
    public void modifyNamespace(UUID namespace, String settings) {
        ComputeNetwork hcn = network.get();
        HANDLEByReference ns = new HANDLEByReference();
        PointerByReference err = new PointerByReference();
        checkHcn("HcnOpenNamespace", hcn.HcnOpenNamespace(NativeHcsBase.guid(namespace), ns, err), err);
        try {
            PointerByReference modifyErr = new PointerByReference();
            checkHcn("HcnModifyNamespace", hcn.HcnModifyNamespace(ns.getValue(), new WString(settings), modifyErr), modifyErr);
        } finally {
            hcn.HcnCloseNamespace(ns.getValue());
        }
    }

    @Override
    public void deleteNamespace(UUID namespace) {
        PointerByReference err = new PointerByReference();
        checkHcn("HcnDeleteNamespace", network.get().HcnDeleteNamespace(NativeHcsBase.guid(namespace), err), err);
    }
}
