package dev.containerv.linux.rootless;

import dev.containerv.linux.proc.Proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether the kernel lets a normal user create user namespaces, read from the sysctls that can stop it (reading
 * changes nothing): {@code user.max_user_namespaces} of 0 (any kernel), {@code kernel.unprivileged_userns_clone} of
 * 0 (Debian's and Ubuntu's patch, absent from mainline), and {@code kernel.apparmor_restrict_unprivileged_userns} of
 * 1 (Ubuntu 23.10 and later: only programs whose AppArmor profile grants {@code userns} may). A sysctl the kernel
 * does not have does not stop anything. Stateless.
 */
public final class UserNamespacePolicy {
    private UserNamespacePolicy() {
    }

    /** Why the kernel refuses user namespaces to a normal user, naming the sysctl and how to change it; empty when it allows them. */
    public static Optional<String> forbidden(Proc proc) {
        Path sys = proc.root().resolve("sys");
        Optional<Long> max = read(sys.resolve("user/max_user_namespaces"));
        if (max.isPresent() && max.get() == 0) {
            return Optional.of("the kernel allows no user namespaces (user.max_user_namespaces = 0); a rootless container needs one: "
                    + "raise it, for example 'sysctl -w user.max_user_namespaces=15000', or run as root");
        }
        Optional<Long> clone = read(sys.resolve("kernel/unprivileged_userns_clone"));
        if (clone.isPresent() && clone.get() == 0) {
            return Optional.of("the kernel forbids user namespaces to normal users (kernel.unprivileged_userns_clone = 0); "
                    + "allow them with 'sysctl -w kernel.unprivileged_userns_clone=1', or run as root");
        }
        Optional<Long> apparmor = read(sys.resolve("kernel/apparmor_restrict_unprivileged_userns"));
        if (apparmor.isPresent() && apparmor.get() != 0) {
            return Optional.of("AppArmor restricts user namespaces to programs whose profile grants 'userns' "
                    + "(kernel.apparmor_restrict_unprivileged_userns = " + apparmor.get() + "); give the java binary a profile with a 'userns,' rule, "
                    + "or set 'sysctl -w kernel.apparmor_restrict_unprivileged_userns=0', or run as root");
        }
        return Optional.empty();
    }

    private static Optional<Long> read(Path sysctl) {
        try {
            return Optional.of(Long.parseLong(Files.readString(sysctl).strip()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            // unreadable or odd: the create itself will tell; the probe does not guess a refusal
            return Optional.empty();
        }
    }
}
