package dev.containerv.testkit;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerStats;
import dev.containerv.api.ProcessInfo;
import dev.containerv.api.ResourceLimits;
import dev.containerv.api.RuntimeFeature;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code resources} area of the conformance suite. Resource limits, statistics and the process list.
 * Implemented by {@link ContainerConformanceSuite}; see {@link ConformanceRules} for the names.
 */
public interface ResourceRules extends ConformanceRules {
    @Test
    default void optional_resources_memoryLimitIsEnforced() {
        tck().requiresFeatures(RuntimeFeature.RESOURCE_LIMITS);
        Container c = tck().create(tck().specBuilder(tck().newId()).limits(ResourceLimits.builder().memoryMax("64M").build()).build());
        assertThat(tck().exec(c, tck().fixture().allocateMemory(16L << 20)).exitCode()).as("16 MiB fits in 64 MiB").isZero();
        assertThat(tck().exec(c, tck().fixture().allocateMemory(256L << 20)).exitCode()).as("256 MiB does not fit in 64 MiB").isNotZero();
        assertThat(tck().exec(c, tck().fixture().allocateMemory(16L << 20)).exitCode()).as("the container stays usable after the limit was hit").isZero();
    }

    @Test
    default void optional_resources_pidsLimitIsEnforced() {
        tck().requiresFeatures(RuntimeFeature.RESOURCE_LIMITS);
        Container c = tck().create(tck().specBuilder(tck().newId()).limits(ResourceLimits.builder().pidsMax(16).build()).build());
        assertThat(tck().exec(c, tck().fixture().startProcesses(4)).exitCode()).isZero();
        assertThat(tck().exec(c, tck().fixture().startProcesses(64)).exitCode()).as("64 processes under a limit of 16").isNotZero();
        assertThat(tck().exec(c, tck().fixture().startProcesses(4)).exitCode()).as("the container stays usable after the limit was hit").isZero();
    }

    @Test
    default void optional_resources_statsMoveAfterWork() throws Exception {
        tck().requiresFeatures(RuntimeFeature.STATS);
        Container c = tck().createDefault();
        ContainerStats before = c.stats();
        ContainerProcess busy = c.spawn(tck().fixture().burnCpu(Duration.ofSeconds(2)).build());
        Thread.sleep(1200);
        ContainerStats during = c.stats();
        assertThat(during.timestamp()).isAfter(before.timestamp());
        assertThat(during.cpuTimeNanos()).as("CPU time after a second of work").isGreaterThan(before.cpuTimeNanos());
        assertThat(during.activeProcesses()).isGreaterThanOrEqualTo(1);
        assertThat(during.memoryUsageBytes()).isPositive();
        busy.destroyForcibly();
    }

    @Test
    default void optional_resources_processListShowsARunningProcess() throws Exception {
        tck().requiresFeatures(RuntimeFeature.PROCESS_LIST);
        Container c = tck().createDefault();
        ContainerProcess p = c.spawn(tck().fixture().sleep(Duration.ofSeconds(60)).build());
        List<ProcessInfo> list = c.processes();
        assertThat(list).anySatisfy(i -> {
            assertThat(i.pid()).isEqualTo(p.containerPid());
            assertThat(i.name()).isNotBlank();
        });
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (c.processes().stream().anyMatch(i -> i.pid() == p.containerPid()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(c.processes()).noneMatch(i -> i.pid() == p.containerPid());
    }
}
