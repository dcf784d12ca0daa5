package dev.containerv.cli;

import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ContainerStats;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ExecResult;
import dev.containerv.api.GuestOs;
import dev.containerv.api.ProcessInfo;
import dev.containerv.api.ProcessSpec;
import dev.containerv.api.RuntimeFeature;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** An in-memory runtime that records what the commands ask of it. */
final class FakeRuntime implements ContainerRuntime {
    final Map<String, FakeContainer> containers = new LinkedHashMap<>();
    final List<ContainerSpec> created = new ArrayList<>();
    /** What a spawn does; by default the process prints nothing and exits 0. */
    Function<ProcessSpec, FakeProcess.Behaviour> behaviour = spec -> FakeProcess.printing("", "", 0);
    ContainerException createFailure;
    ContainerException spawnFailure;

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public GuestOs guestOs() {
        return GuestOs.LINUX;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.allOf(Capability.class);
    }

    @Override
    public Set<RuntimeFeature> features() {
        return EnumSet.allOf(RuntimeFeature.class);
    }

    @Override
    public synchronized Container create(ContainerSpec spec) {
        created.add(spec);
        if (createFailure != null) {
            throw createFailure;
        }
        if (containers.containsKey(spec.id())) {
            throw ContainerException.builder(ErrorKind.ALREADY_EXISTS, "a container with id '" + spec.id() + "' exists already")
                    .operation("fake::Runtime::create").containerId(spec.id()).build();
        }
        FakeContainer c = new FakeContainer(this, spec);
        containers.put(spec.id(), c);
        return c;
    }

    /** Adds a running container as if another process had created it. */
    synchronized FakeContainer add(String id) {
        FakeContainer c = new FakeContainer(this, ContainerSpec.builder().id(id).rootfs(Path.of("/")).persistent(true).build());
        containers.put(id, c);
        return c;
    }

    @Override
    public synchronized Container open(String id) {
        FakeContainer c = containers.get(id);
        if (c == null || c.destroyed.get() > 0) {
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "no container with id '" + id + "'")
                    .operation("fake::Runtime::open").containerId(id).build();
        }
        c.opened.incrementAndGet();
        return c;
    }

    @Override
    public synchronized List<String> list() {
        return containers.values().stream().filter(c -> c.destroyed.get() == 0).map(Container::id).toList();
    }

    /** A container that records spawns, copies, detaches and destroys. */
    static final class FakeContainer implements Container {
        private final FakeRuntime runtime;
        private final ContainerSpec spec;
        final List<ProcessSpec> spawned = new CopyOnWriteArrayList<>();
        final List<FakeProcess> processes = new CopyOnWriteArrayList<>();
        final List<String> copies = new CopyOnWriteArrayList<>();
        final AtomicInteger destroyed = new AtomicInteger();
        final AtomicInteger detached = new AtomicInteger();
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger statsCalls = new AtomicInteger();
        List<ProcessInfo> processList = List.of();
        ContainerStats stats;
        ContainerException destroyFailure;

        FakeContainer(FakeRuntime runtime, ContainerSpec spec) {
            this.runtime = runtime;
            this.spec = spec;
        }

        @Override
        public String id() {
            return spec.id();
        }

        @Override
        public ContainerSpec spec() {
            return spec;
        }

        @Override
        public ContainerProcess spawn(ProcessSpec process) {
            spawned.add(process);
            if (destroyed.get() > 0) {
                throw ContainerException.builder(ErrorKind.NOT_FOUND, "container " + id() + " is stopping; cannot start " + process.command())
                        .operation("fake::Container::spawn").containerId(id()).build();
            }
            if (runtime.spawnFailure != null) {
                throw runtime.spawnFailure;
            }
            FakeProcess p = new FakeProcess(id(), runtime.behaviour.apply(process));
            processes.add(p);
            return p;
        }

        @Override
        public ExecResult exec(ProcessSpec process) {
            throw new UnsupportedOperationException("the CLI does not use exec");
        }

        @Override
        public ExecResult exec(ProcessSpec process, Duration timeout) {
            throw new UnsupportedOperationException("the CLI does not use exec");
        }

        @Override
        public void upload(Path host, String containerPath) {
            copies.add("upload " + host + " -> " + containerPath);
        }

        @Override
        public void download(String containerPath, Path host) {
            copies.add("download " + containerPath + " -> " + host);
        }

        @Override
        public ContainerStats stats() {
            statsCalls.incrementAndGet();
            return stats != null ? stats
                    : new ContainerStats(Instant.EPOCH, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        public List<ProcessInfo> processes() {
            return processList;
        }

        @Override
        public boolean isRunning() {
            return destroyed.get() == 0 && detached.get() == 0;
        }

        @Override
        public void destroy() {
            destroyed.incrementAndGet();
            processes.forEach(FakeProcess::destroy);
            if (destroyFailure != null) {
                throw destroyFailure;
            }
        }

        /** The graces given to {@link #destroyWithGrace}, in order. */
        final List<Duration> graces = new CopyOnWriteArrayList<>();

        @Override
        public void destroyWithGrace(Duration grace) {
            graces.add(grace);
            destroy();
        }

        @Override
        public void detach() {
            detached.incrementAndGet();
        }

        @Override
        public void close() {
            destroy();
        }
    }
}
