package dev.containerv.windows;

import dev.containerv.api.ContainerException;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The utility VM of a Linux container on Windows (LCOW): the bundle directory and the kernel, initrd and
 * boot parameters in it. Immutable.
 *
 * <pre>{@code
 * LcowOptions.builder().bundle(Path.of("C:\\lcow")).kernelFile("kernel").initrdFile("initrd.img").build();
 * }</pre>
 */
public final class LcowOptions {
    private final Path bundle;
    private final String kernelFile;
    private final String initrdFile;
    private final String bootParameters;

    private LcowOptions(Builder b) {
        this.bundle = b.bundle;
        this.kernelFile = b.kernelFile;
        this.initrdFile = b.initrdFile;
        this.bootParameters = b.bootParameters;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The utility VM bundle directory (holding {@code uvm.vhdx}, the kernel and the initrd). */
    public Path bundle() {
        return bundle;
    }

    /** The kernel's file name in the bundle; default {@code kernel}. */
    public String kernelFile() {
        return kernelFile;
    }

    /** The initrd's file name in the bundle; default {@code initrd.img}. */
    public String initrdFile() {
        return initrdFile;
    }

    /** Extra kernel command-line parameters, if any. */
    public Optional<String> bootParameters() {
        return Optional.ofNullable(bootParameters);
    }

    @Override
    public String toString() {
        return "LcowOptions[bundle=" + bundle + ", kernel=" + kernelFile + ", initrd=" + initrdFile + ", boot=" + bootParameters + "]";
    }

    /** Builds {@link LcowOptions}. Not thread-safe. */
    public static final class Builder {
        private Path bundle;
        private String kernelFile = "kernel";
        private String initrdFile = "initrd.img";
        private String bootParameters;

        private Builder() {
        }

        /** The bundle directory. Required. */
        public Builder bundle(Path directory) {
            this.bundle = Objects.requireNonNull(directory, "bundle");
            return this;
        }

        /** The kernel file name inside the bundle (no separators). Default {@code kernel}. */
        public Builder kernelFile(String name) {
            this.kernelFile = fileName("lcow.kernelFile", name);
            return this;
        }

        /** The initrd file name inside the bundle (no separators). Default {@code initrd.img}. */
        public Builder initrdFile(String name) {
            this.initrdFile = fileName("lcow.initrdFile", name);
            return this;
        }

        /** Extra kernel command-line parameters. Default none. */
        public Builder bootParameters(String parameters) {
            Objects.requireNonNull(parameters, "bootParameters");
            if (parameters.indexOf('\0') >= 0) {
                throw ContainerException.invalidSpec("lcow.bootParameters", parameters, "text without NUL characters");
            }
            this.bootParameters = parameters;
            return this;
        }

        private static String fileName(String field, String name) {
            if (name == null || name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals("..") || name.indexOf('\0') >= 0) {
                throw ContainerException.invalidSpec(field, name, "a file name inside the bundle directory, without separators");
            }
            return name;
        }

        /** @throws ContainerException {@code INVALID_SPEC} if no bundle was given */
        public LcowOptions build() {
            if (bundle == null) {
                throw ContainerException.invalidSpec("lcow.bundle", null, "the utility VM bundle directory");
            }
            return new LcowOptions(this);
        }
    }
}
