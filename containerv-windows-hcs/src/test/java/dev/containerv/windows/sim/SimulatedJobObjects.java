package dev.containerv.windows.sim;

import dev.containerv.windows.hcs.HResult;
import dev.containerv.windows.hcs.HcsException;
import dev.containerv.windows.hcs.HcsJob;
import dev.containerv.windows.hcs.JobObjects;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;

/** Simulated job objects: an active-process limit over the host processes assigned by pid. */
final class SimulatedJobObjects implements JobObjects {
    private record SimJob(String name, long limit, List<Process> members) {
    }

    private final SimCalls calls;
    private final LongFunction<Optional<Process>> hostProcess;
    private final Map<Long, SimJob> jobs = new ConcurrentHashMap<>();

    /** @param hostProcess the running simulated process of a pid */
    SimulatedJobObjects(SimCalls calls, LongFunction<Optional<Process>> hostProcess) {
        this.calls = calls;
        this.hostProcess = hostProcess;
    }

    @Override
    public HcsJob createJobObject(String name, long activeProcessLimit) {
        calls.enter("CreateJobObjectW");
        long h = calls.open("job " + name);
        jobs.put(h, new SimJob(name, activeProcessLimit, new java.util.concurrent.CopyOnWriteArrayList<>()));
        return new HcsJob(h, name);
    }

    @Override
    public void assignProcessToJobObject(HcsJob job, long pid) {
        calls.enter("AssignProcessToJobObject");
        SimJob j = jobs.get(job.handle());
        Process p = hostProcess.apply(pid)
                .orElseThrow(() -> new HcsException("OpenProcess", HResult.fromWin32(HResult.ERROR_INVALID_PARAMETER), "no process " + pid));
        if (j.members().stream().filter(Process::isAlive).count() >= j.limit()) {
            throw new HcsException("AssignProcessToJobObject", HResult.fromWin32(HResult.ERROR_NOT_ENOUGH_QUOTA), "active process limit " + j.limit());
        }
        j.members().add(p);
    }

    @Override
    public void terminateJobObject(HcsJob job, int exitCode) {
        calls.enter("TerminateJobObject");
        jobs.get(job.handle()).members().forEach(Process::destroyForcibly);
    }

    @Override
    public void closeJobObject(HcsJob job) {
        calls.record("CloseHandle");
        calls.close(job.handle());
        jobs.remove(job.handle());
    }
}
