package dev.containerv.linux.security;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;

import java.util.Locale;

/** The architectures whose system call names the seccomp rules are written for. */
public enum Arch {
    X86_64("x86_64"),
    AARCH64("aarch64");

    private final String seccompName;

    Arch(String seccompName) {
        this.seccompName = seccompName;
    }

    /** The name libseccomp and {@code containerv-helper syscalls --arch} use. */
    public String seccompName() {
        return seccompName;
    }

    /**
     * The architecture of this JVM ({@code os.arch} {@code amd64}/{@code x86_64} or {@code aarch64}).
     *
     * @throws ContainerException {@code NOT_SUPPORTED} on any other architecture, naming it
     */
    public static Arch current() {
        return of(System.getProperty("os.arch", ""));
    }

    /** The architecture of an {@code os.arch} value; {@code NOT_SUPPORTED} naming it otherwise. */
    static Arch of(String osArch) {
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            default -> throw ContainerException.builder(ErrorKind.NOT_SUPPORTED, "seccomp rules exist for x86_64 and aarch64, not for '"
                    + osArch + "'").build();
        };
    }
}
