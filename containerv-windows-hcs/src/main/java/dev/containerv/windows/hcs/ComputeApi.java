package dev.containerv.windows.hcs;

import java.time.Duration;

/**
 * HCS compute systems and processes (computecore.dll or vmcompute.dll, hcsshim's {@code internal/hcs}). Every call
 * that opens a handle returns it; the caller closes it, also on failure paths. Implementations:
 * {@link ComputeCoreHcs}, {@link VmComputeHcs} and the simulated HCS of the tests.
 *
 * <p>Every failure is an {@link HcsException} carrying the C function, the HRESULT and the result document's
 * messages; nothing else is thrown for a platform failure. Method names follow the C functions they stand for.
 * Thread-safe.
 */
public interface ComputeApi {
    /** {@code vmcompute}, {@code computecore}, or {@code simulated}. */
    String family();


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
}
