package dev.containerv.windows.internal;

import dev.containerv.api.Access;
import dev.containerv.api.Capability;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerPaths;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.GuestOs;
import dev.containerv.api.Layer;
import dev.containerv.api.ResourceLimits;
import dev.containerv.windows.ContainerType;
import dev.containerv.windows.Isolation;
import dev.containerv.windows.LcowOptions;
import dev.containerv.windows.WindowsOptions;
import dev.containerv.windows.schema.Chipset;
import dev.containerv.windows.schema.ComputeSystem;
import dev.containerv.windows.schema.ComputeTopology;
import dev.containerv.windows.schema.ContainerConfig;
import dev.containerv.windows.schema.ContainerMemory;
import dev.containerv.windows.schema.ContainerProcessor;
import dev.containerv.windows.schema.Devices;
import dev.containerv.windows.schema.GuestOsConfig;
import dev.containerv.windows.schema.HostedSystem;
import dev.containerv.windows.schema.HvSocket;
import dev.containerv.windows.schema.HvSocketSystemConfig;
import dev.containerv.windows.schema.LinuxKernelDirect;
import dev.containerv.windows.schema.MappedDirectory;
import dev.containerv.windows.schema.Networking;
import dev.containerv.windows.schema.ScsiAttachment;
import dev.containerv.windows.schema.ScsiController;
import dev.containerv.windows.schema.Storage;
import dev.containerv.windows.schema.StorageLayer;
import dev.containerv.windows.schema.Uefi;
import dev.containerv.windows.schema.UefiBootEntry;
import dev.containerv.windows.schema.Version;
import dev.containerv.windows.schema.VirtualMachine;
import dev.containerv.windows.schema.VirtualSmb;
import dev.containerv.windows.schema.VirtualSmbShare;
import dev.containerv.windows.schema.VirtualSmbShareOptions;
import dev.containerv.windows.schema.VmMemory;
import dev.containerv.windows.schema.VmProcessor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Builds the HCS schema 2.1 documents of a container from its spec: the single container document of
 * process isolation, or the utility VM plus the hosted container of Hyper-V isolation (and LCOW's utility
 * VM). Pure functions of their inputs (apart from the search for a default utility VM folder, see
 * {@link #utilityVmDocument}), so {@code describe} and {@code create} produce the same JSON.
 */
public final class Documents {
    private static final System.Logger LOG = System.getLogger(Documents.class.getName());
    /** The Owner HCS records for our systems. */
    public static final String OWNER = "containerv";
    /** Schema 2.1. */
    public static final Version SCHEMA = new Version(2, 1);
    /** Where the upload/download staging folder appears in a Windows container. */
    public static final String STAGING_WINDOWS = "C:\\containerv\\staging";
    /** hcsshim's VSMB path prefix: how a utility VM sees a host directory shared over VSMB. */
    static final String VSMB_PREFIX = "\\\\?\\VMSMB\\VSMB-{dcc079ae-60ba-4d07-847c-3493609c0870}\\";
    private static final long MIB = 1024L * 1024L;
    private static final long DEFAULT_UVM_MB = 1024;

    private Documents() {
    }

    /**
     * What a container document is made from.
     *
     * @param spec             the spec
     * @param options          its Windows options (defaults if none were given)
     * @param parents          parent layer folders, nearest first
     * @param layerId          the layer id of a layer folder name (NameToGuid)
     * @param scratchPath      Storage.Path: the mounted scratch volume, or (describe) the container folder
     * @param networkNamespace the HCN namespace id, or {@code null}
     * @param staging          the host staging folder mapped at {@link #STAGING_WINDOWS}, or {@code null}
     */
    public record Inputs(ContainerSpec spec, WindowsOptions options, List<String> parents, Function<String, UUID> layerId,
                         String scratchPath, String networkNamespace, String staging) {
    }

    /** The Windows options of a spec, or the defaults. */
    public static WindowsOptions options(ContainerSpec spec) {
        return spec.extension(WindowsOptions.class).orElse(WindowsOptions.defaults());
    }

    /** The guest OS whose path form container paths must have. */
    public static GuestOs guestOs(WindowsOptions options) {
        return options.containerType() == ContainerType.LINUX ? GuestOs.LINUX : GuestOs.WINDOWS;
    }

    /** The id of a Hyper-V container's utility VM. */
    public static String utilityVmId(String containerId) {
        return containerId + "-uvm";
    }

    /**
     * Refuses what no Windows container can honour, before anything is created.
     *
     * @throws ContainerException {@code NOT_SUPPORTED} for two CPU limits, tmpfs layers, id mappings, USERS,
     *                            a security policy; {@code INVALID_SPEC} for container paths of the other form
     */
    public static void validate(ContainerSpec spec, String operation) {
        WindowsOptions options = options(spec);
        ResourceLimits limits = spec.limits();
        int cpuSettings = (limits.cpuCount().isPresent() ? 1 : 0) + (limits.cpuPercent().isPresent() ? 1 : 0) + (limits.cpuWeight().isPresent() ? 1 : 0);
        if (cpuSettings > 1) {
            throw refuse(operation, spec.id(), "limits: HCS takes only one of Processor.Count (cpuCount), Processor.Maximum (cpuPercent) and "
                    + "Processor.Weight (cpuWeight); the spec sets " + limits.cpuCount().stream().mapToObj(c -> "cpuCount=" + c + " ").findFirst().orElse("")
                    + limits.cpuPercent().stream().mapToObj(c -> "cpuPercent=" + c + " ").findFirst().orElse("")
                    + limits.cpuWeight().stream().mapToObj(c -> "cpuWeight=" + c).findFirst().orElse("").strip());
        }
        if (spec.has(Capability.USERS) || !spec.uidMappings().isEmpty() || !spec.gidMappings().isEmpty()) {
            throw refuse(operation, spec.id(), "Capability.USERS and uid/gid mappings: Windows containers have no user namespaces");
        }
        if (spec.policy().isPresent()) {
            throw refuse(operation, spec.id(), "SecurityPolicy: Windows containers have no seccomp or path rules; use Hyper-V isolation for a stronger boundary");
        }
        if (options.containerType() == ContainerType.LINUX && options.isolation() == Isolation.PROCESS
                && spec.extension(WindowsOptions.class).isPresent()) {
            // LCOW always runs in a utility VM; process isolation of a Linux guest does not exist.
            throw ContainerException.invalidSpec("windows.isolation", Isolation.PROCESS, "Isolation.HYPERV for ContainerType.LINUX (LCOW runs in a utility VM)");
        }
        GuestOs guest = guestOs(options);
        for (Layer layer : spec.layers()) {
            if (layer.kind() == Layer.Kind.TMPFS) {
                throw refuse(operation, spec.id(), "tmpfs layer at " + layer.containerPath().orElse("?") + ": Windows has no tmpfs; map a host directory instead");
            }
            ContainerPaths.check("layer.containerPath", layer.containerPath().orElseThrow(), guest);
        }
    }

    private static ContainerException refuse(String operation, String id, String what) {
        return ContainerException.builder(ErrorKind.NOT_SUPPORTED, "not supported by the windows-hcs provider: " + what)
                .operation(operation).containerId(id).build();
    }

    /**
     * The spec with its cpuCount clamped to the host's logical processors, as hcsshim normalises it (HCS refuses
     * more processors than the host has). Only create clamps: describe shows what the spec asks for.
     */
    static ContainerSpec clampProcessors(ContainerSpec spec, int hostProcessors) {
        ResourceLimits limits = spec.limits();
        if (limits.cpuCount().isEmpty() || limits.cpuCount().getAsInt() <= hostProcessors) {
            return spec;
        }
        LOG.log(System.Logger.Level.WARNING, "container " + spec.id() + ": cpuCount " + limits.cpuCount().getAsInt()
                + " is more than the host's " + hostProcessors + " logical processors; using " + hostProcessors);
        return spec.toBuilder().limits(limits.toBuilder().cpuCount(hostProcessors).build()).build();
    }

    /** Processor settings from the limits: exactly one of Count, Maximum (percent × 100), Weight. */
    static ContainerProcessor processor(ResourceLimits limits) {
        if (limits.cpuCount().isPresent()) {
            return new ContainerProcessor(limits.cpuCount().getAsInt(), null, null);
        }
        if (limits.cpuPercent().isPresent()) {
            return new ContainerProcessor(null, limits.cpuPercent().getAsInt() * 100, null);
        }
        if (limits.cpuWeight().isPresent()) {
            return new ContainerProcessor(null, null, limits.cpuWeight().getAsInt());
        }
        return null;
    }

    static ContainerMemory memory(ResourceLimits limits) {
        if (limits.memoryMaxBytes().isEmpty()) {
            return null;
        }
        long bytes = limits.memoryMaxBytes().getAsLong();
        return new ContainerMemory((bytes + MIB - 1) / MIB);
    }

    private static List<MappedDirectory> mappedDirectories(Inputs in, Function<String, String> hostPathInGuest) {
        List<MappedDirectory> dirs = new ArrayList<>();
        GuestOs guest = guestOs(in.options());
        for (Layer layer : in.spec().layers()) {
            if (layer.kind() == Layer.Kind.HOST_DIRECTORY) {
                String containerPath = ContainerPaths.check("layer.containerPath", layer.containerPath().orElseThrow(), guest);
                dirs.add(new MappedDirectory(hostPathInGuest.apply(HostPaths.of(layer.source().orElseThrow())), containerPath,
                        layer.access() == Access.READ_ONLY));
            }
        }
        if (in.staging() != null) {
            dirs.add(new MappedDirectory(hostPathInGuest.apply(in.staging()), STAGING_WINDOWS, false));
        }
        return dirs.isEmpty() ? null : dirs;
    }

    private static ContainerConfig container(Inputs in, Function<String, String> hostPathInGuest, String scratch) {
        List<StorageLayer> layers = new ArrayList<>();
        for (String parent : in.parents()) {
            layers.add(new StorageLayer(in.layerId().apply(HostPaths.fileName(parent)).toString(), hostPathInGuest.apply(parent), null));
        }
        Networking networking = in.networkNamespace() == null ? null : new Networking(null, null, in.networkNamespace());
        return new ContainerConfig(new GuestOsConfig(in.spec().hostname()), new Storage(layers, scratch),
                mappedDirectories(in, hostPathInGuest), memory(in.spec().limits()), processor(in.spec().limits()), networking);
    }

    /** The container's compute-system document (process isolation: the container; Hyper-V: the hosted container). */
    public static ComputeSystem containerDocument(Inputs in) {
        boolean terminateOnClose = !in.spec().persistent();
        if (in.options().isolation() == Isolation.PROCESS) {
            return new ComputeSystem(OWNER, SCHEMA, null, null, container(in, p -> p, in.scratchPath()), null, terminateOnClose);
        }
        // Hyper-V: the utility VM sees host directories through VSMB shares named in utilityVmDocument.
        Map<String, String> shares = vsmbShares(in);
        ContainerConfig hosted = container(in, p -> VSMB_PREFIX + shares.get(p), null);
        return new ComputeSystem(OWNER, SCHEMA, utilityVmId(in.spec().id()), new HostedSystem(SCHEMA, hosted), null, null, terminateOnClose);
    }

    /** Host directory → VSMB share name, in a stable order: parents, mapped directories, staging. */
    private static Map<String, String> vsmbShares(Inputs in) {
        Map<String, String> shares = new java.util.LinkedHashMap<>();
        for (String parent : in.parents()) {
            shares.putIfAbsent(parent, "l" + shares.size());
        }
        for (Layer layer : in.spec().layers()) {
            layer.source().ifPresent(s -> shares.putIfAbsent(HostPaths.of(s), "m" + shares.size()));
        }
        if (in.staging() != null) {
            shares.putIfAbsent(in.staging(), "staging");
        }
        return shares;
    }

    /**
     * The utility VM document for Hyper-V isolation or LCOW; empty for process isolation. A Windows utility VM
     * boots from {@code WindowsOptions.utilityVmPath}, else from the first {@code <layer>\UtilityVM} of the
     * parents, base layer first ({@link LayerChain#utilityVm}), which is looked for on disk.
     *
     * @throws ContainerException {@code INVALID_SPEC} naming {@code windows.utilityVmPath} if neither exists
     */
    public static Optional<ComputeSystem> utilityVmDocument(Inputs in) {
        WindowsOptions o = in.options();
        if (o.isolation() == Isolation.PROCESS && o.containerType() == ContainerType.WINDOWS) {
            return Optional.empty();
        }
        ResourceLimits limits = in.spec().limits();
        long memoryMb = limits.memoryMaxBytes().isPresent() ? Math.max(256, memory(limits).sizeInMB()) : DEFAULT_UVM_MB;
        int cpus = limits.cpuCount().orElse(2);
        ComputeTopology topology = new ComputeTopology(new VmMemory(memoryMb), new VmProcessor(cpus));
        if (o.containerType() == ContainerType.LINUX) {
            LcowOptions lcow = o.lcow().orElseThrow();
            String bundle = HostPaths.of(lcow.bundle());
            String cmdline = "console=ttyS0 panic=-1 quiet" + lcow.bootParameters().map(p -> " " + p).orElse("");
            Chipset chipset = new Chipset(null, new LinuxKernelDirect(HostPaths.join(bundle, lcow.kernelFile()),
                    HostPaths.join(bundle, lcow.initrdFile()), cmdline));
            Devices devices = new Devices(null, null, hvSocket());
            return Optional.of(new ComputeSystem(OWNER, SCHEMA, null, null, null, new VirtualMachine(true, chipset, topology, devices), true));
        }
        String uvm = utilityVmImage(in);
        Chipset chipset = new Chipset(new Uefi(new UefiBootEntry("VmbFs", "\\EFI\\Microsoft\\Boot\\bootmgfw.efi", null, null)), null);
        List<VirtualSmbShare> shares = new ArrayList<>();
        shares.add(new VirtualSmbShare("os", HostPaths.join(uvm, "Files"), new VirtualSmbShareOptions(true, true, true, true, true)));
        vsmbShares(in).forEach((host, name) -> shares.add(new VirtualSmbShare(name, host,
                new VirtualSmbShareOptions(!name.equals("staging") && !isWritableMapped(in, host), true, null, null, null))));
        // The UVM boots from its own scratch, a copy of the image's SystemTemplate.vhdx (made by create), on the first
        // SCSI controller, keyed by the controller GUID as hcsshim keys it.
        Map<String, ScsiController> scsi = Map.of(SCSI_CONTROLLER_0, new ScsiController(Map.of("0",
                new ScsiAttachment("VirtualDisk", utilityVmScratch(in.spec())))));
        Devices devices = new Devices(new VirtualSmb(shares), scsi, hvSocket());
        return Optional.of(new ComputeSystem(OWNER, SCHEMA, null, null, null, new VirtualMachine(true, chipset, topology, devices), true));
    }

    /**
     * The utility VM image folder of a Windows Hyper-V container: {@code WindowsOptions.utilityVmPath}, else the first
     * parent's {@code UtilityVM} folder holding UtilityVM.vhdx or Files, from the base layer up.
     *
     * @throws ContainerException {@code INVALID_SPEC} naming {@code windows.utilityVmPath} if neither exists
     */
    public static String utilityVmImage(Inputs in) {
        return in.options().utilityVmPath().map(HostPaths::of).or(() -> LayerChain.utilityVm(in.parents())).orElseThrow(() ->
                ContainerException.invalidSpec("windows.utilityVmPath", null, "for Isolation.HYPERV, a utility VM image folder (holding "
                        + "UtilityVM.vhdx or Files\\); none was given and no parent layer has a " + LayerChain.UTILITY_VM
                        + " folder holding either (looked from the base layer up in " + in.parents() + ")"));
    }

    /** The first SCSI controller's key: hcsshim's v5 GUID for controller 0. */
    static final String SCSI_CONTROLLER_0 = "df6d0690-79e5-55b6-a5ec-c1e2f77f580a";
    /** The utility VM image's scratch template, copied for each utility VM. */
    public static final String UVM_SCRATCH_TEMPLATE = "SystemTemplate.vhdx";

    /** The utility VM's own scratch, {@code utilityvm-scratch.vhdx} in the rootfs folder: a copy of the image's SystemTemplate.vhdx. */
    public static String utilityVmScratch(ContainerSpec spec) {
        return HostPaths.join(HostPaths.of(spec.rootfs()), "utilityvm-scratch.vhdx");
    }

    private static HvSocket hvSocket() {
        return new HvSocket(new HvSocketSystemConfig(HvSocketSystemConfig.SYSTEM_AND_ADMINISTRATORS, null));
    }

    private static boolean isWritableMapped(Inputs in, String host) {
        return in.spec().layers().stream().anyMatch(l -> l.source().map(HostPaths::of).filter(host::equals).isPresent()
                && l.access() == Access.READ_WRITE);
    }
}
