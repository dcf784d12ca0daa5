package dev.containerv.linux;

import com.google.auto.service.AutoService;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.GuestOs;
import dev.containerv.linux.helper.HelperBinary;
import dev.containerv.linux.runtime.LinuxRuntime;
import dev.containerv.linux.proc.Proc;
import dev.containerv.linux.rootless.SubordinateIds;
import dev.containerv.linux.rootless.UserNamespacePolicy;
import dev.containerv.spi.ContainerRuntimeProvider;
import dev.containerv.spi.ProbeResult;
import dev.containerv.spi.UnavailableRuntime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The Linux namespaces provider, {@code linux-ns}: containers from mount, pid, uts (and net, ipc, cgroup)
 * namespaces with an overlayfs root and {@code pivot_root}, run by a small native helper that is PID 1 in
 * each container.
 *
 * <p>As root it runs in mode "root"; as a normal user in mode "rootless", each container in a user namespace where
 * the user is root (docs/linux-provider.md, Rootless mode). The probe checks, cheapest first: the OS; root, or
 * else whether the kernel lets a normal user make user namespaces; the namespace files in
 * {@code /proc/self/ns}; {@code overlay} in {@code /proc/filesystems}; the helper (extracted from the jar to
 * a private cache, or {@code -Dcontainerv.linux.helper=PATH}); then one real run of {@code containerv-helper
 * version}. The result is cached per provider instance.
 */
@AutoService(ContainerRuntimeProvider.class)
public final class LinuxNamespacesProvider implements ContainerRuntimeProvider {
    /** The provider's name. */
    public static final String NAME = "linux-ns";

    private volatile Probe cached;

    /** For {@link java.util.ServiceLoader}. Does no work. */
    public LinuxNamespacesProvider() {
    }

    record Probe(ProbeResult result, Path helper, boolean onlyPrivileges) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public ProbeResult probe() {
        return probeOnce().result();
    }

    private Probe probeOnce() {
        Probe p = cached;
        if (p == null) {
            synchronized (this) {
                p = cached;
                if (p == null) {
                    try {
                        p = runProbe(Optional.empty(), Proc.HOST);
                    } catch (RuntimeException | LinkageError e) {
                        p = new Probe(ProbeResult.unavailable("the probe failed unexpectedly: " + e), null, false);
                    }
                    cached = p;
                }
            }
        }
        return p;
    }

    /** What the probe says of USERS for a normal user: mappings through newuidmap/newgidmap, or why not. */
    private static String rootlessUsers(long euid) {
        return SubordinateIds.unavailableHere(euid)
                .map(why -> "; no uid/gid mappings (USERS): " + why)
                .orElse("; uid/gid mappings (USERS) of the user's own id as 0 and its subordinate ids, written by newuidmap/newgidmap");
    }

    /** The probe, with the {@code /proc} it reads as a seam for tests. */
    static Probe runProbe(Optional<Path> explicitHelper, Proc proc) {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return new Probe(ProbeResult.unavailable("linux-ns needs Linux; this is " + os), null, false);
        }
        long euid;
        String privileges = null;
        try {
            euid = proc.euid();
            // Root mode needs uid 0, not merely CAP_SYS_ADMIN (the state and layer roots, the helper's cache, the
            // container's files owned by root); any other uid runs rootless, in a user namespace of its own.
            if (euid != 0) {
                // Rootless: the helper runs in a user namespace of its own, which the kernel may forbid to normal users.
                privileges = UserNamespacePolicy.forbidden(proc).map(why -> "linux-ns as a normal user (uid " + euid + ") needs user namespaces: " + why)
                        .orElse(null);
            }
        } catch (IOException | RuntimeException e) {
            return new Probe(ProbeResult.unavailable("cannot read /proc/self/status to check privileges: " + e), null, false);
        }
        for (String ns : List.of("mnt", "pid", "uts", "ipc", "net", "cgroup")) {
            if (!proc.hasNamespace(ns)) {
                return new Probe(ProbeResult.unavailable("this kernel has no " + ns + " namespaces (/proc/self/ns/" + ns
                        + " is missing); linux-ns needs a kernel with CONFIG_" + ns.toUpperCase(Locale.ROOT) + "_NS"), null, false);
            }
        }
        try {
            if (!proc.hasFilesystem("overlay")) {
                return new Probe(ProbeResult.unavailable("the overlay file system is not available (not in /proc/filesystems); "
                        + "load it with 'modprobe overlay'"), null, false);
            }
        } catch (IOException e) {
            return new Probe(ProbeResult.unavailable("cannot read /proc/filesystems: " + e), null, false);
        }
        if (privileges != null) {
            // A probe writes nothing: extracting the helper for a JVM that cannot create containers only leaves a copy behind.
            return new Probe(ProbeResult.unavailable(privileges), null, true);
        }
        Path helper;
        try {
            helper = HelperBinary.locate(explicitHelper, euid, proc);
        } catch (HelperBinary.UnavailableException e) {
            return new Probe(ProbeResult.unavailable(e.getMessage()), null, false);
        }
        String version;
        try {
            version = HelperBinary.versionTrial(helper);
        } catch (IOException e) {
            return new Probe(ProbeResult.unavailable("the native helper " + helper + " does not work: " + e.getMessage()), helper, false);
        }
        // Capability.USERS: the rootfs and read-only layers are seen through idmapped mounts (never chowned); a
        // kernel or file system without them fails the create with NOT_SUPPORTED naming the path. Not rootless.
        String users = euid != 0 ? rootlessUsers(euid) : proc.hasNamespace("user") ? "; user namespaces (USERS) with idmapped mounts of the rootfs and read-only layers"
                : "; no user namespaces (/proc/self/ns/user is missing: a spec with USERS fails)";
        String mode = euid == 0 ? "root" : "rootless";
        return new Probe(ProbeResult.available("mode " + mode + ": namespaces and overlayfs present, running as uid " + euid + ", helper " + helper
                + " (" + version + ")" + users), helper, false);
    }

    /**
     * The runtime with the default {@link LinuxOptions}. When the only problem is missing privileges the
     * runtime is returned anyway, so {@code create} can say {@code PERMISSION_DENIED}; for any other problem
     * it is an {@link UnavailableRuntime} with the probe's reason.
     */
    @Override
    public ContainerRuntime createRuntime() {
        return createRuntime(LinuxOptions.defaults());
    }

    /**
     * The runtime, with {@code defaults} for specs without their own {@link LinuxOptions} and as the roots
     * where {@code open(id)} and {@code list()} look. A helper path in {@code defaults} is probed on its own.
     */
    public ContainerRuntime createRuntime(LinuxOptions defaults) {
        Probe p = defaults.helperPath().isPresent() ? runProbe(defaults.helperPath(), Proc.HOST) : probeOnce();
        if (!p.result().available() && !p.onlyPrivileges()) {
            return new UnavailableRuntime(NAME, GuestOs.LINUX, p.result().reason());
        }
        Path helper = p.helper();
        // Without privileges the probe located no helper (it writes nothing); create refuses before it needs one.
        return new LinuxRuntime(defaults, helper == null ? LinuxRuntime.failingHelper(p.result().reason()) : () -> helper,
                LinuxNamespacesProvider::euid, Proc.HOST);
    }

    private static long euid() {
        try {
            return Proc.HOST.euid();
        } catch (IOException e) {
            return -1;
        }
    }
}
