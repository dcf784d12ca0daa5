package dev.containerv.windows.jna;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.BaseTSD.SIZE_T;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTR;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.platform.win32.WinNT.IO_COUNTERS;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.win32.StdCallLibrary;

/**
 * The kernel32.dll functions jna-platform's {@code Kernel32} lacks: the job objects (winbase.h, jobapi2.h;
 * layouts as in golang.org/x/sys/windows). The overlapped pipe I/O is {@link OverlappedIo}. Job objects bind host processes: with process
 * isolation a container process is a host process, so its host pid can join a job. Loaded lazily by
 * {@link Natives#kernel32Extras()}.
 */
public interface Kernel32Extras extends StdCallLibrary {
    /** The DLL name. */
    String DLL = "kernel32";

    /** {@code JobObjectBasicAccountingInformation}. */
    int JobObjectBasicAccountingInformation = 1;
    /** {@code JobObjectBasicProcessIdList}. */
    int JobObjectBasicProcessIdList = 3;
    /** {@code JobObjectExtendedLimitInformation}. */
    int JobObjectExtendedLimitInformation = 9;
    /** {@code JobObjectCpuRateControlInformation}. */
    int JobObjectCpuRateControlInformation = 15;

    /** {@code JOB_OBJECT_LIMIT_ACTIVE_PROCESS}. */
    int JOB_OBJECT_LIMIT_ACTIVE_PROCESS = 0x00000008;
    /** {@code JOB_OBJECT_LIMIT_PROCESS_MEMORY}. */
    int JOB_OBJECT_LIMIT_PROCESS_MEMORY = 0x00000100;
    /** {@code JOB_OBJECT_LIMIT_JOB_MEMORY}. */
    int JOB_OBJECT_LIMIT_JOB_MEMORY = 0x00000200;
    /** {@code JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE}. */
    int JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x00002000;
    /** {@code JOB_OBJECT_CPU_RATE_CONTROL_ENABLE}. */
    int JOB_OBJECT_CPU_RATE_CONTROL_ENABLE = 0x1;
    /** {@code JOB_OBJECT_CPU_RATE_CONTROL_HARD_CAP}. */
    int JOB_OBJECT_CPU_RATE_CONTROL_HARD_CAP = 0x4;

    /** {@code PROCESS_SET_QUOTA | PROCESS_TERMINATE}: the access AssignProcessToJobObject needs. */
    int PROCESS_SET_QUOTA_AND_TERMINATE = 0x0100 | 0x0001;

    /** {@code HANDLE CreateJobObjectW(LPSECURITY_ATTRIBUTES lpJobAttributes, LPCWSTR lpName)}. */
    HANDLE CreateJobObjectW(Pointer lpJobAttributes, WString lpName);

    /** {@code BOOL SetInformationJobObject(HANDLE hJob, JOBOBJECTINFOCLASS JobObjectInformationClass, LPVOID lpJobObjectInformation, DWORD cbJobObjectInformationLength)}. */
    boolean SetInformationJobObject(HANDLE hJob, int JobObjectInformationClass, Structure lpJobObjectInformation, int cbJobObjectInformationLength);

    /** {@code BOOL QueryInformationJobObject(HANDLE hJob, JOBOBJECTINFOCLASS JobObjectInformationClass, LPVOID lpJobObjectInformation, DWORD cbJobObjectInformationLength, LPDWORD lpReturnLength)}. */
    boolean QueryInformationJobObject(HANDLE hJob, int JobObjectInformationClass, Structure lpJobObjectInformation,
                                      int cbJobObjectInformationLength, IntByReference lpReturnLength);

    /** {@code BOOL AssignProcessToJobObject(HANDLE hJob, HANDLE hProcess)}. */
    boolean AssignProcessToJobObject(HANDLE hJob, HANDLE hProcess);

    /** {@code BOOL TerminateJobObject(HANDLE hJob, UINT uExitCode)}. */
    boolean TerminateJobObject(HANDLE hJob, int uExitCode);

    /** {@code JOBOBJECT_BASIC_LIMIT_INFORMATION}. */
    @Structure.FieldOrder({"PerProcessUserTimeLimit", "PerJobUserTimeLimit", "LimitFlags", "MinimumWorkingSetSize",
            "MaximumWorkingSetSize", "ActiveProcessLimit", "Affinity", "PriorityClass", "SchedulingClass"})
    class JOBOBJECT_BASIC_LIMIT_INFORMATION extends Structure {
        public long PerProcessUserTimeLimit;
        public long PerJobUserTimeLimit;
        public int LimitFlags;
        public SIZE_T MinimumWorkingSetSize = new SIZE_T();
        public SIZE_T MaximumWorkingSetSize = new SIZE_T();
        public int ActiveProcessLimit;
        public ULONG_PTR Affinity = new ULONG_PTR();
        public int PriorityClass;
        public int SchedulingClass;
    }

    /** {@code JOBOBJECT_EXTENDED_LIMIT_INFORMATION} (class 9). */
    @Structure.FieldOrder({"BasicLimitInformation", "IoInfo", "ProcessMemoryLimit", "JobMemoryLimit",
            "PeakProcessMemoryUsed", "PeakJobMemoryUsed"})
    class JOBOBJECT_EXTENDED_LIMIT_INFORMATION extends Structure {
        public JOBOBJECT_BASIC_LIMIT_INFORMATION BasicLimitInformation = new JOBOBJECT_BASIC_LIMIT_INFORMATION();
        public IO_COUNTERS IoInfo = new IO_COUNTERS();
        public SIZE_T ProcessMemoryLimit = new SIZE_T();
        public SIZE_T JobMemoryLimit = new SIZE_T();
        public SIZE_T PeakProcessMemoryUsed = new SIZE_T();
        public SIZE_T PeakJobMemoryUsed = new SIZE_T();
    }

    /** {@code JOBOBJECT_CPU_RATE_CONTROL_INFORMATION} (class 15); {@code CpuRate} is percent × 100. */
    @Structure.FieldOrder({"ControlFlags", "CpuRate"})
    class JOBOBJECT_CPU_RATE_CONTROL_INFORMATION extends Structure {
        public int ControlFlags;
        public int CpuRate;
    }

    /** {@code JOBOBJECT_BASIC_ACCOUNTING_INFORMATION} (class 1); times in 100 ns units. */
    @Structure.FieldOrder({"TotalUserTime", "TotalKernelTime", "ThisPeriodTotalUserTime", "ThisPeriodTotalKernelTime",
            "TotalPageFaultCount", "TotalProcesses", "ActiveProcesses", "TotalTerminatedProcesses"})
    class JOBOBJECT_BASIC_ACCOUNTING_INFORMATION extends Structure {
        public long TotalUserTime;
        public long TotalKernelTime;
        public long ThisPeriodTotalUserTime;
        public long ThisPeriodTotalKernelTime;
        public int TotalPageFaultCount;
        public int TotalProcesses;
        public int ActiveProcesses;
        public int TotalTerminatedProcesses;
    }
}
