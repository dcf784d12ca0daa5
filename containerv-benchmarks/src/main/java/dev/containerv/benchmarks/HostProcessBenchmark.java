package dev.containerv.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The baseline: {@code ProcessBuilder("/bin/true")} started and waited for on the host, with its three pipes, as a
 * build tool does without containers. Every other figure of {@code compare.sh} is read as a ratio to this one.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class HostProcessBenchmark {
    /** Start, wait, exit code; the pipes are closed as a caller that is done with the process would. */
    @Benchmark
    public int processBuilderTrue() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/bin/true").start();
        int code = p.waitFor();
        Processes.closeStreams(p);
        return Processes.check(code, "/bin/true on the host");
    }
}
