package dev.containerv.windows;

import dev.containerv.api.ContainerException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Windows-only settings of a container, given as a spec extension and read by the {@code windows-hcs}
 * provider:
 *
 * <pre>{@code
 * ContainerSpec spec = ContainerSpec.builder()
 *         .rootfs(Path.of("C:\\ProgramData\\docker\\windowsfilter\\<container folder>"))
 *         .extension(WindowsOptions.builder().isolation(Isolation.PROCESS).vmSwitch("Default Switch").build())
 *         .build();
 * }</pre>
 *
 * <p>The spec's rootfs is a windowsfilter container folder (the scratch layer, with {@code layerchain.json}
 * naming its parent layers, nearest first). Immutable.
 */
public final class WindowsOptions {
    private final Isolation isolation;
    private final Path utilityVmPath;
    private final ContainerType containerType;
    private final List<Path> parentLayers;
    private final LcowOptions lcow;
    private final String vmSwitch;
    private final Duration shutdownTimeout;

    private WindowsOptions(Builder b) {
        this.isolation = b.isolation;
        this.utilityVmPath = b.utilityVmPath;
        this.containerType = b.containerType;
        this.parentLayers = b.parentLayers;
        this.lcow = b.lcow;
        this.vmSwitch = b.vmSwitch;
        this.shutdownTimeout = b.shutdownTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: process isolation, a Windows guest, parents from layerchain.json. */
    public static WindowsOptions defaults() {
        return builder().build();
    }

    /** A builder holding these values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.isolation = isolation;
        b.utilityVmPath = utilityVmPath;
        b.containerType = containerType;
        b.parentLayers = parentLayers;
        b.lcow = lcow;
        b.vmSwitch = vmSwitch;
        b.shutdownTimeout = shutdownTimeout;
        return b;
    }

    /** Process or Hyper-V isolation; {@link Isolation#PROCESS} by default. */
    public Isolation isolation() {
        return isolation;
    }

    /**
     * The utility VM image directory for Hyper-V isolation; empty means the first {@code <layer>\UtilityVM} of the
     * parent layers, from the base up, that holds {@code UtilityVM.vhdx} or {@code Files\}.
     */
    public Optional<Path> utilityVmPath() {
        return Optional.ofNullable(utilityVmPath);
    }

    public ContainerType containerType() {
        return containerType;
    }

    /** Parent layers (nearest first, base last); empty means those named by the rootfs's layerchain.json. */
    public Optional<List<Path>> parentLayers() {
        return Optional.ofNullable(parentLayers);
    }

    /** The LCOW utility VM, for {@link ContainerType#LINUX}. */
    public Optional<LcowOptions> lcow() {
        return Optional.ofNullable(lcow);
    }

    /**
     * The HNS network the container joins, by its HCN network {@code Name} (as {@code Get-HnsNetwork} lists it);
     * empty means the network named {@code Default Switch}, else the first NAT, then ICS network.
     */
    public Optional<String> vmSwitch() {
        return Optional.ofNullable(vmSwitch);
    }

    /** How long a graceful shutdown may take before the system is terminated. */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    @Override
    public String toString() {
        return "WindowsOptions[isolation=" + isolation + ", containerType=" + containerType + ", utilityVmPath=" + utilityVmPath
                + ", parentLayers=" + parentLayers + ", lcow=" + lcow + ", vmSwitch=" + vmSwitch + ", shutdownTimeout=" + shutdownTimeout + "]";
    }

    /** Builds {@link WindowsOptions}. Not thread-safe. */
    public static final class Builder {
        private Isolation isolation = Isolation.PROCESS;
        private Path utilityVmPath;
        private ContainerType containerType = ContainerType.WINDOWS;
        private List<Path> parentLayers;
        private LcowOptions lcow;
        private String vmSwitch;
        private Duration shutdownTimeout = Duration.ofSeconds(10);

        private Builder() {
        }

        /**
         * Process or Hyper-V isolation. Default {@link Isolation#PROCESS}. {@link Isolation#HYPERV} is accepted here
         * and by {@code describe}, but {@code create} refuses it with {@code NOT_SUPPORTED} for now (see there).
         */
        public Builder isolation(Isolation isolation) {
            this.isolation = Objects.requireNonNull(isolation, "isolation");
            return this;
        }

        /**
         * The utility VM image directory for Hyper-V isolation (the folder holding {@code UtilityVM.vhdx} or {@code Files\}),
         * used as given. Default: the first {@code <layer>\UtilityVM} folder holding either, from the base layer
         * (the last parent) up; if no parent layer has one, {@code describeUtilityVm} (and the Hyper-V path of
         * {@code create}) fails with {@code INVALID_SPEC} naming {@code windows.utilityVmPath}.
         */
        public Builder utilityVmPath(Path directory) {
            this.utilityVmPath = Objects.requireNonNull(directory, "utilityVmPath");
            return this;
        }

        /** Windows or Linux guest. Default {@link ContainerType#WINDOWS}. */
        public Builder containerType(ContainerType type) {
            this.containerType = Objects.requireNonNull(type, "containerType");
            return this;
        }

        /** Parent layer folders, nearest first and base last, instead of the rootfs's layerchain.json. */
        public Builder parentLayers(List<Path> layers) {
            Objects.requireNonNull(layers, "parentLayers");
            if (layers.isEmpty()) {
                throw ContainerException.invalidSpec("windows.parentLayers", layers, "at least the base layer folder");
            }
            this.parentLayers = List.copyOf(layers);
            return this;
        }

        /** The LCOW utility VM; implies nothing about {@link #containerType}, which must be LINUX for it to count. */
        public Builder lcow(LcowOptions lcow) {
            this.lcow = Objects.requireNonNull(lcow, "lcow");
            return this;
        }

        /**
         * The HNS network to join, matched (ignoring case) against the {@code Name} of each HCN network; HCN network
         * documents carry no switch name, so a virtual switch is named by its network. A name that matches no network
         * makes {@code create} fail with {@code NOT_FOUND}. Default: the network named {@code Default Switch}, else
         * the first NAT, then ICS network.
         *
         * @throws ContainerException {@code INVALID_SPEC} for a null, blank or NUL-containing name
         */
        public Builder vmSwitch(String name) {
            if (name == null || name.isBlank() || name.indexOf('\0') >= 0) {
                throw ContainerException.invalidSpec("windows.vmSwitch", name, "a non-blank HNS network name");
            }
            this.vmSwitch = name;
            return this;
        }

        /** Grace for a shutdown before terminate; 0 to 10 minutes. Default 10 s. */
        public Builder shutdownTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "shutdownTimeout");
            if (timeout.isNegative() || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw ContainerException.invalidSpec("windows.shutdownTimeout", timeout, "a duration from 0 to 10 minutes");
            }
            this.shutdownTimeout = timeout;
            return this;
        }

        /**
         * @throws ContainerException {@code INVALID_SPEC} for LINUX without {@link LcowOptions}, or LCOW options on a
         *                            Windows guest
         */
        public WindowsOptions build() {
            if (containerType == ContainerType.LINUX && lcow == null) {
                throw ContainerException.invalidSpec("windows.lcow", null, "LcowOptions (kernel, initrd) for ContainerType.LINUX");
            }
            if (containerType == ContainerType.WINDOWS && lcow != null) {
                throw ContainerException.invalidSpec("windows.lcow", lcow, "LcowOptions only together with ContainerType.LINUX");
            }
            return new WindowsOptions(this);
        }
    }
}
