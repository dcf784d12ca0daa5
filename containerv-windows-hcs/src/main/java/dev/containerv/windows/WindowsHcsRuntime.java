package dev.containerv.windows;

import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.GuestOs;
import dev.containerv.api.RuntimeFeature;
import dev.containerv.windows.hcs.HcsApi;
import dev.containerv.windows.hcs.HcsException;
import dev.containerv.windows.internal.Documents;
import dev.containerv.windows.internal.Errors;
import dev.containerv.windows.internal.ContainerFactory;
import dev.containerv.windows.internal.HcsContainer;
import dev.containerv.windows.internal.LayerChain;
import dev.containerv.windows.internal.LayerIds;
import dev.containerv.windows.schema.Json;
import dev.containerv.windows.schema.Properties;
import dev.containerv.windows.schema.SystemQuery;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The Windows runtime: containers from the Host Compute Service. Obtain it through
 * {@code ContainerRuntimes.load("windows-hcs")}.
 *
 * <p>{@link #describe(ContainerSpec)} shows, on any host, the compute-system document a spec produces.
 * Thread-safe.
 */
public final class WindowsHcsRuntime implements ContainerRuntime {
    /** The capabilities of process-isolated containers on a real host. */
    static final Set<Capability> HOST_CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.IPC, Capability.NETWORK));
    /** The features of this provider. */
    static final Set<RuntimeFeature> FEATURES = Collections.unmodifiableSet(EnumSet.of(
            RuntimeFeature.RESOURCE_LIMITS, RuntimeFeature.NETWORK_ADDRESSING, RuntimeFeature.STATS, RuntimeFeature.PROCESS_LIST,
            RuntimeFeature.FILE_TRANSFER, RuntimeFeature.HOST_DIRECTORY_LAYERS, RuntimeFeature.RUN_AS_USER, RuntimeFeature.PERSISTENT,
            RuntimeFeature.LAYERED_ROOTFS));

    /** Why {@link #create} refuses {@link Isolation#HYPERV}: what its utility VM still lacks on a real host. */
    static final String HYPERV_MISSING = "Isolation.HYPERV: the utility VM this provider builds is not complete yet: "
            + "(1) HcsGrantVmAccess is never called for the disk and layers it is given, so the VM cannot open its scratch disk <rootfs>\\sandbox.vhdx; "
            + "(2) the SCSI controller is keyed \"0\" where HCS expects a controller GUID; "
            + "(3) the hosted container has no Storage.Path, since nothing mounts a scratch for it inside the VM. "
            + "Use Isolation.PROCESS; describe() and describeUtilityVm() show the draft documents";

    private final HcsApi hcs;
    private final Set<Capability> capabilities;
    private final Set<RuntimeFeature> features;
    private final Path stateRoot;
    private final HcsContainer.Timeouts timeouts;

    WindowsHcsRuntime(HcsApi hcs, Set<Capability> capabilities, Set<RuntimeFeature> features, Path stateRoot, HcsContainer.Timeouts timeouts) {
        this.hcs = Objects.requireNonNull(hcs, "hcs");
        this.capabilities = Collections.unmodifiableSet(capabilities.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(capabilities));
        this.features = Collections.unmodifiableSet(features.isEmpty() ? EnumSet.noneOf(RuntimeFeature.class) : EnumSet.copyOf(features));
        this.stateRoot = Objects.requireNonNull(stateRoot, "stateRoot");
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
    }

    /**
     * The HCS schema 2.1 compute-system document {@code create} would send for this spec, as indented JSON,
     * computed without a Windows host. For Hyper-V isolation it is the hosted container (see
     * {@link #describeUtilityVm}): a draft, since {@code create} refuses Hyper-V isolation for now.
     *
     * <p>Differences from what {@code create} sends, because they exist only on the host: {@code Storage.Path}
     * is the rootfs folder instead of the volume path of the mounted scratch layer; layer ids are a stand-in
     * for vmcompute's {@code NameToGuid}; the staging folder mapping and the network namespace are left out.
     *
     * @throws ContainerException {@code NOT_SUPPORTED} for settings HCS cannot take (two CPU limits, tmpfs
     *                            layers, id mappings, a security policy); {@code INVALID_SPEC} for POSIX
     *                            container paths on a Windows guest; {@code NOT_FOUND} if the rootfs has no
     *                            layerchain.json and no parent layers were given
     */
    public static String describe(ContainerSpec spec) {
        return Json.writePretty(Documents.containerDocument(describeInputs(spec)));
    }

    /** The utility VM document of a Hyper-V isolated or LCOW spec (drafts: {@code create} refuses both); empty for process isolation. */
    public static Optional<String> describeUtilityVm(ContainerSpec spec) {
        return Documents.utilityVmDocument(describeInputs(spec)).map(Json::writePretty);
    }

    private static Documents.Inputs describeInputs(ContainerSpec spec) {
        String op = Errors.op("Runtime", "describe");
        Documents.validate(spec, op);
        WindowsOptions options = Documents.options(spec);
        List<String> parents = spec.rootfsLayers().size() > 1
                ? LayerChain.ofRootLayers(spec.rootfsLayers(), options.parentLayers().isPresent(), op, spec.id())
                : options.parentLayers().map(l -> l.stream().map(Path::toString).toList())
                .orElseGet(() -> LayerChain.read(spec.rootfs(), op, spec.id()));
        return new Documents.Inputs(spec, options, parents, LayerIds::forName, spec.rootfs().toString(), null, null);
    }

    @Override
    public String name() {
        return WindowsHcsProvider.NAME;
    }

    @Override
    public GuestOs guestOs() {
        return GuestOs.WINDOWS;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public Set<RuntimeFeature> features() {
        return features;
    }

    /** The HCS family in use: {@code vmcompute}, {@code computecore} or {@code simulated}. */
    public String hcsFamily() {
        return hcs.family();
    }

    /**
     * Creates and starts a process-isolated Windows container.
     *
     * @throws ContainerException {@code NOT_SUPPORTED} for {@link Isolation#HYPERV} and {@link ContainerType#LINUX},
     *                            which this provider cannot run yet, and as {@link #describe} says
     */
    @Override
    public Container create(ContainerSpec spec) {
        String op = Errors.op("Runtime", "create");
        Documents.validate(spec, op);
        EnumSet<Capability> missing = EnumSet.noneOf(Capability.class);
        missing.addAll(spec.capabilities());
        missing.removeAll(capabilities);
        if (!missing.isEmpty()) {
            throw ContainerException.builder(ErrorKind.NOT_SUPPORTED, "capabilities " + missing + " cannot be honoured by this runtime (it offers "
                    + capabilities + ")").operation(op).containerId(spec.id()).build();
        }
        refuseUndeclared(spec, op);
        WindowsOptions options = Documents.options(spec);
        if (options.containerType() == ContainerType.LINUX) {
            throw ContainerException.builder(ErrorKind.NOT_SUPPORTED, "LCOW containers need the guest compute service protocol, which this provider "
                    + "does not speak yet; describeUtilityVm() shows the utility VM document").operation(op).containerId(spec.id()).build();
        }
        if (options.isolation() == Isolation.HYPERV && spec.limits().pidsMax().isPresent()) {
            throw ContainerException.builder(ErrorKind.NOT_SUPPORTED, "limits.pidsMax under Hyper-V isolation: the process limit is a host job "
                    + "object, and Hyper-V isolated processes are not host processes").operation(op).containerId(spec.id()).build();
        }
        if (options.isolation() == Isolation.HYPERV) {
            throw ContainerException.builder(ErrorKind.NOT_SUPPORTED, HYPERV_MISSING).operation(op).containerId(spec.id()).build();
        }
        return ContainerFactory.create(hcs, spec, stateRoot, timeouts);
    }

    /** A setting whose feature this runtime does not declare is refused, never ignored. */
    private void refuseUndeclared(ContainerSpec spec, String op) {
        String what = null;
        if (!spec.limits().isEmpty() && !features.contains(RuntimeFeature.RESOURCE_LIMITS)) {
            what = "limits " + spec.limits();
        } else if (spec.network().isPresent() && !features.contains(RuntimeFeature.NETWORK_ADDRESSING)) {
            what = "network addressing " + spec.network().get();
        } else if (spec.persistent() && !features.contains(RuntimeFeature.PERSISTENT)) {
            what = "a persistent container";
        } else if (!features.contains(RuntimeFeature.HOST_DIRECTORY_LAYERS)
                && spec.layers().stream().anyMatch(l -> l.kind() == dev.containerv.api.Layer.Kind.HOST_DIRECTORY)) {
            what = "host directory layers";
        } else if (spec.rootfsLayers().size() > 1 && !features.contains(RuntimeFeature.LAYERED_ROOTFS)) {
            what = "a root of several layers";
        } else if (spec.readOnlyRoot() && !features.contains(RuntimeFeature.READ_ONLY_ROOT)) {
            what = "a read-only root (readOnlyRoot, RuntimeFeature.READ_ONLY_ROOT): HCS gives a container its root only as its image "
                    + "layers under a writable scratch layer (Storage.Path, the mounted scratch volume), and its schema has no read-only "
                    + "form of it";
        }
        if (what != null) {
            throw ContainerException.builder(ErrorKind.NOT_SUPPORTED, what + ": this runtime does not offer it (features " + features + ")")
                    .operation(op).containerId(spec.id()).build();
        }
    }

    /**
     * Not offered yet: the provider keeps no state another process could join from.
     *
     * @throws ContainerException {@code NOT_SUPPORTED} always, {@code NOT_FOUND} first if HCS has no such container
     */
    @Override
    public Container open(String id) {
        String op = Errors.op("Runtime", "open");
        if (!list().contains(id)) {
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "no containerv compute system with this id").operation(op).containerId(id).build();
        }
        throw ContainerException.builder(ErrorKind.NOT_SUPPORTED, "joining a container made by another process is not offered by the windows-hcs "
                + "provider yet (it records no state for other processes)").operation(op).containerId(id).build();
    }

    @Override
    public List<String> list() {
        try {
            String json = hcs.enumerateComputeSystems(Json.write(new SystemQuery(null, null, null, List.of(Documents.OWNER))));
            return Json.readList(json, Properties.class).stream()
                    .filter(p -> p.id() != null && (p.systemType() == null || p.systemType().equalsIgnoreCase("Container")))
                    .map(Properties::id).sorted().toList();
        } catch (HcsException e) {
            throw Errors.map(Errors.op("Runtime", "list"), null, e);
        }
    }
}
