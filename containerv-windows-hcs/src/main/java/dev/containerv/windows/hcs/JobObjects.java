package dev.containerv.windows.hcs;


/**
 * Job objects of kernel32.dll, for a process limit on host processes (process isolation). Implementation:
 * {@link NativeJobObjects}.
 *
 * <p>Every failure is an {@link HcsException} carrying the C function, the HRESULT and the result document's
 * messages; nothing else is thrown for a platform failure. Method names follow the C functions they stand for.
 * Thread-safe.
 */
public interface JobObjects {
    /** CreateJobObjectW and SetInformationJobObject(JobObjectExtendedLimitInformation) with an active-process limit. */
    HcsJob createJobObject(String name, long activeProcessLimit);

    /** OpenProcess(pid) and AssignProcessToJobObject, closing the process handle. */
    void assignProcessToJobObject(HcsJob job, long pid);

    /** TerminateJobObject. */
    void terminateJobObject(HcsJob job, int exitCode);

    /** CloseHandle on the job. Never fails. */
    void closeJobObject(HcsJob job);
}
