package dev.containerv.windows.hcs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The one seam between the provider and the Windows platform: HCS compute systems and processes, the
 * layer store (scratch layer), HCN networks, endpoints and namespaces, and job objects. Documents go in and
 * come out as JSON text (the types of {@code dev.containerv.windows.schema}).
 *
 * <p>Implementations: {@link ComputeCoreHcs} (computecore.dll), {@link VmComputeHcs} (vmcompute.dll), and the
 * simulated HCS of the tests. Every failure is an {@link HcsException} carrying the C function, the
 * HRESULT and the result document's messages; nothing else is thrown for a platform failure. Every call
 * that opens a handle returns it; the caller closes it, also on failure paths. Thread-safe.
 *
 * <p>Method names follow the C functions they stand for, so a failure's {@link HcsException#call()} reads
 * like the platform's own documentation.
 */
public interface HcsApi {
    /** {@code vmcompute}, {@code computecore}, or {@code simulated}. */
    String family();

    // ---- compute systems ----

    /** HcsCreateComputeSystem, waiting for the creation to finish. */
    HcsSystem createComputeSystem(String id, String configuration, Duration timeout);

    /** HcsOpenComputeSystem with GENERIC_ALL. */
    HcsSystem openComputeSystem(String id);

    /** HcsStartComputeSystem, waiting up to {@code timeout}. */
    void startComputeSystem(HcsSystem system, Duration timeout);

    /**
     * HcsShutDownComputeSystem (vmcompute: HcsShutdownComputeSystem), waiting up to {@code timeout} for the system
     * to stop. @throws HcsException {@code HCS_E_OPERATION_TIMEOUT} if it did not stop in time
     */
    void shutdownComputeSystem(HcsSystem system, Duration timeout);

    /** HcsTerminateComputeSystem, waiting up to {@code timeout}. */
    void terminateComputeSystem(HcsSystem system, Duration timeout);

    /** HcsModifyComputeSystem with a ModifySettingRequest. */
    void modifyComputeSystem(HcsSystem system, String request, Duration timeout);

    /** HcsGetComputeSystemProperties: the Properties document for a PropertyQuery. */
    String getComputeSystemProperties(HcsSystem system, String query);

    /** HcsEnumerateComputeSystems: a JSON array of Properties for a SystemQuery. */
    String enumerateComputeSystems(String query);

    /** HcsCloseComputeSystem. Never fails: a close failure is logged. */
    void closeComputeSystem(HcsSystem system);

    // ---- processes ----

    /** HcsCreateProcess with ProcessParameters, waiting for the process information. */
    HcsProcess createProcess(HcsSystem system, String parameters, Duration timeout);

    /** HcsSignalProcess with SignalProcessOptions. */
    void signalProcess(HcsProcess process, String options);

    /** HcsTerminateProcess. */
    void terminateProcess(HcsProcess process);

    /** HcsModifyProcess with a ProcessModifyRequest (close stdin). */
    void modifyProcess(HcsProcess process, String settings);

    /** HcsGetProcessProperties: the ProcessStatus document. */
    String getProcessProperties(HcsProcess process);

    /**
     * Waits for the process to exit: its ProcessStatus document.
     *
     * @throws HcsException {@code HCS_E_OPERATION_TIMEOUT} if it is still running after {@code timeout}
     */
    String waitForProcessExit(HcsProcess process, Duration timeout);

    /** HcsCloseProcess. The pipes are the caller's: they stay open until their streams are closed. Never fails: a close failure is logged. */
    void closeProcess(HcsProcess process);

    // ---- layer store (vmcompute.dll exports, used by both families) ----

    /** NameToGuid: the layer id HCS expects for a layer folder's name. */
    UUID nameToGuid(String name);

    /** CreateSandboxLayer: creates the scratch {@code sandbox.vhdx} in a layer folder over its parents (nearest first). */
    void createScratchLayer(Path layer, List<Path> parents);

    /** ActivateLayer on a layer folder. */
    void activateLayer(Path layer);

    /** PrepareLayer: stacks the scratch layer on its parents (nearest first). */
    void prepareLayer(Path layer, List<Path> parents);

    /** GetLayerMountPath: the volume path ({@code \\?\Volume{...}}, with or without the trailing backslash) of an activated, prepared layer. */
    String getLayerMountPath(Path layer);

    /** UnprepareLayer. */
    void unprepareLayer(Path layer);

    /** DeactivateLayer. */
    void deactivateLayer(Path layer);

    // ---- HCN (computenetwork.dll) ----

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

    // ---- job objects (kernel32.dll) ----

    /** CreateJobObjectW and SetInformationJobObject(JobObjectExtendedLimitInformation) with an active-process limit. */
    HcsJob createJobObject(String name, long activeProcessLimit);

    /** OpenProcess(pid) and AssignProcessToJobObject, closing the process handle. */
    void assignProcessToJobObject(HcsJob job, long pid);

    /** TerminateJobObject. */
    void terminateJobObject(HcsJob job, int exitCode);

    /** CloseHandle on the job. Never fails. */
    void closeJobObject(HcsJob job);
}
