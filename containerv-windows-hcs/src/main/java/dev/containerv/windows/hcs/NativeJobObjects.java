package dev.containerv.windows.hcs;

import com.sun.jna.WString;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import dev.containerv.windows.jna.Kernel32Extras;

import java.util.function.Supplier;

/**
 * {@link JobObjects} over kernel32.dll: a job with an active-process limit and KILL_ON_JOB_CLOSE, host processes
 * assigned by pid.
 */
public final class NativeJobObjects implements JobObjects {
    private static final System.Logger LOG = System.getLogger(JobObjects.class.getName());

    private final Supplier<Kernel32Extras> kernel32Extras;
    private final Supplier<Kernel32> kernel32;

    /** Over kernel32.dll (jna-platform's and the functions it lacks), loaded on the first call. */
    public NativeJobObjects(Supplier<Kernel32Extras> kernel32Extras, Supplier<Kernel32> kernel32) {
        this.kernel32Extras = kernel32Extras;
        this.kernel32 = kernel32;
    }


    private HcsException lastError(String call) {
        return new HcsException(call, HResult.fromWin32(kernel32.get().GetLastError()), null);
    }

    @Override
    public HcsJob createJobObject(String name, long activeProcessLimit) {
        HANDLE job = kernel32Extras.get().CreateJobObjectW(null, new WString(name));
        if (job == null) {
            throw lastError("CreateJobObjectW");
        }
        try {
            Kernel32Extras.JOBOBJECT_EXTENDED_LIMIT_INFORMATION info = new Kernel32Extras.JOBOBJECT_EXTENDED_LIMIT_INFORMATION();
            info.BasicLimitInformation.LimitFlags = Kernel32Extras.JOB_OBJECT_LIMIT_ACTIVE_PROCESS | Kernel32Extras.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
            info.BasicLimitInformation.ActiveProcessLimit = (int) Math.min(Integer.MAX_VALUE, activeProcessLimit);
            info.write();
            if (!kernel32Extras.get().SetInformationJobObject(job, Kernel32Extras.JobObjectExtendedLimitInformation, info, info.size())) {
                throw lastError("SetInformationJobObject");
            }
            return new HcsJob(NativeHcsBase.value(job), name);
        } catch (RuntimeException e) {
            kernel32.get().CloseHandle(job);
            throw e;
        }
    }

    @Override
    public void assignProcessToJobObject(HcsJob job, long pid) {
        HANDLE process = kernel32.get().OpenProcess(Kernel32Extras.PROCESS_SET_QUOTA_AND_TERMINATE, false, (int) pid);
        if (process == null) {
            throw lastError("OpenProcess");
        }
        try {
            if (!kernel32Extras.get().AssignProcessToJobObject(NativeHcsBase.handle(job.handle()), process)) {
                throw lastError("AssignProcessToJobObject");
            }
        } finally {
            kernel32.get().CloseHandle(process);
        }
    }

    @Override
    public void terminateJobObject(HcsJob job, int exitCode) {
        if (!kernel32Extras.get().TerminateJobObject(NativeHcsBase.handle(job.handle()), exitCode)) {
            throw lastError("TerminateJobObject");
        }
    }

    @Override
    public void closeJobObject(HcsJob job) {
        if (!kernel32.get().CloseHandle(NativeHcsBase.handle(job.handle()))) {
            LOG.log(System.Logger.Level.WARNING, "CloseHandle of job " + job.name() + " failed: Win32 error " + kernel32.get().GetLastError());
        }
    }
}
