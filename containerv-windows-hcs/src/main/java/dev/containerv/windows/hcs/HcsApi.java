package dev.containerv.windows.hcs;


/**
 * The Windows platform the provider runs on, as one object for wiring: the four seams it is cut into, along
 * hcsshim's package lines: {@link ComputeApi} (compute systems and processes), {@link LayerStore} (the scratch
 * layer), {@link HostNetwork} (HCN) and {@link JobObjects}. Code that needs one of them takes that one. Documents
 * go in and come out as JSON text (the types of {@code dev.containerv.windows.schema}).
 *
 * <p>Implementations: {@link ComputeCoreHcs} (computecore.dll), {@link VmComputeHcs} (vmcompute.dll), and the
 * simulated HCS of the tests. Every failure is an {@link HcsException} carrying the C function, the
 * HRESULT and the result document's messages; nothing else is thrown for a platform failure. Every call
 * that opens a handle returns it; the caller closes it, also on failure paths. Thread-safe.
 *
 * <p>Method names follow the C functions they stand for, so a failure's {@link HcsException#call()} reads
 * like the platform's own documentation.
 */
public interface HcsApi extends ComputeApi, LayerStore, HostNetwork, JobObjects {
}
