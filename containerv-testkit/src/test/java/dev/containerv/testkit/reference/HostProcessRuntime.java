package dev.containerv.testkit.reference;

import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.GuestOs;
import dev.containerv.api.RuntimeFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A reference provider for the testkit's own tests, and nothing else: a "container" is a private copy of
 * the root file system in a host directory, and its processes are host processes started in that directory
 * with {@code $CV_ROOT} naming it (so {@link HostProcessFixture} can map container paths). It isolates
 * nothing, so it declares no capability, and declares only the features it really has. With {@link Flaw}s it
 * becomes one of the broken providers the meta-tests run the suite against.
 */
public final class HostProcessRuntime implements ContainerRuntime {
    static final String OPERATION = "host-process::";

    private final String name;
    private final Set<Flaw> flaws;
    private final Path base;
    private final Map<String, HostProcessContainer> containers = new ConcurrentHashMap<>();

    /**
     * @param name  the runtime's name (it names the parity report)
     * @param base  a host directory for the containers' roots, created if missing
     * @param flaws the defects to build in; none for the reference behaviour
     */
    public HostProcessRuntime(String name, Path base, Set<Flaw> flaws) {
        this.name = name;
        this.base = base;
        this.flaws = flaws.isEmpty() ? EnumSet.noneOf(Flaw.class) : EnumSet.copyOf(flaws);
    }

    boolean has(Flaw flaw) {
        return flaws.contains(flaw);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public GuestOs guestOs() {
        return GuestOs.LINUX;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of();
    }

    @Override
    public Set<RuntimeFeature> features() {
        if (has(Flaw.DECLARES_NO_FEATURES)) {
            return Set.of();
        }
        EnumSet<RuntimeFeature> features = EnumSet.of(RuntimeFeature.STATS, RuntimeFeature.PROCESS_LIST,
                RuntimeFeature.FILE_TRANSFER, RuntimeFeature.POSIX_SIGNALS);
        if (has(Flaw.CLAIMS_LIMITS_BUT_IGNORES_THEM)) {
            features.add(RuntimeFeature.RESOURCE_LIMITS);
        }
        return features;
    }

    /** The host directory a container of this id has (or had) as its root. */
    public Path rootOf(String id) {
        return has(Flaw.SHARES_ONE_ROOT) ? base.resolve("shared-root") : base.resolve(id);
    }

    @Override
    public Container create(ContainerSpec spec) {
        String op = OPERATION + "Runtime::create";
        if (has(Flaw.NO_PRIVILEGES)) {
            throw ContainerException.builder(ErrorKind.PERMISSION_DENIED, "creating a container needs root")
                    .operation(op).containerId(spec.id()).platformCode("errno EPERM").build();
        }
        if (!has(Flaw.ACCEPTS_UNDECLARED_CAPABILITIES)) {
            for (Capability c : spec.capabilities()) {
                if (!capabilities().contains(c)) {
                    throw refuse(op, spec.id(), "capability " + c + " (host processes are not isolated)");
                }
            }
        }
        if (!spec.limits().isEmpty() && !features().contains(RuntimeFeature.RESOURCE_LIMITS)) {
            throw refuse(op, spec.id(), "resource limits " + spec.limits());
        }
        spec.network().ifPresent(n -> {
            throw refuse(op, spec.id(), "network addressing");
        });
        spec.policy().ifPresent(p -> {
            throw refuse(op, spec.id(), "a security policy");
        });
        if (spec.rootfsLayers().size() > 1 && !has(Flaw.IGNORES_ROOT_LAYERS)) {
            throw refuse(op, spec.id(), "a root of several layers " + spec.rootfsLayers());
        }
        if (spec.readOnlyRoot() && !has(Flaw.IGNORES_READ_ONLY_ROOT)) {
            throw refuse(op, spec.id(), "a read-only root (no READ_ONLY_ROOT)");
        }
        if (!spec.layers().isEmpty()) {
            throw refuse(op, spec.id(), "layers " + spec.layers());
        }
        if (!spec.uidMappings().isEmpty() || !spec.gidMappings().isEmpty()) {
            throw refuse(op, spec.id(), "id mappings");
        }
        if (spec.persistent()) {
            throw refuse(op, spec.id(), "persistent containers");
        }
        if (!spec.extensions().isEmpty()) {
            throw refuse(op, spec.id(), "extensions " + spec.extensions().keySet());
        }
        if (!Files.isDirectory(spec.rootfs())) {
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "the root file system " + spec.rootfs() + " is not a directory")
                    .operation(op).containerId(spec.id()).platformCode("errno ENOENT").build();
        }
        Path root = rootOf(spec.id());
        HostProcessContainer container = new HostProcessContainer(this, spec, root);
        if (containers.putIfAbsent(spec.id(), container) != null) {
            throw ContainerException.builder(ErrorKind.ALREADY_EXISTS, "a container with this id exists already")
                    .operation(op).containerId(spec.id()).build();
        }
        try {
            Files.createDirectories(base);
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                Trees.copy(spec.rootfs(), root, true);
                if (has(Flaw.SHARES_THE_BASE_ETC)) {
                    Trees.delete(root.resolve("etc"));
                    Files.createSymbolicLink(root.resolve("etc"), spec.rootfs().resolve("etc").toAbsolutePath());
                }
                if (has(Flaw.SHARES_THE_HOST_TMP)) {
                    Trees.delete(root.resolve("tmp"));
                    Files.createSymbolicLink(root.resolve("tmp"), Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath());
                }
            }
            return container;
        } catch (IOException | RuntimeException e) {
            containers.remove(spec.id());
            Trees.delete(root);
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "copying the root file system failed: " + e)
                    .operation(op).containerId(spec.id()).cause(e).build();
        }
    }

    private static ContainerException refuse(String op, String id, String what) {
        return ContainerException.builder(ErrorKind.NOT_SUPPORTED, "the host-process provider cannot honour " + what)
                .operation(op).containerId(id).build();
    }

    void forget(String id) {
        containers.remove(id);
    }

    @Override
    public Container open(String id) {
        HostProcessContainer c = containers.get(id);
        if (c == null) {
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "no such container").operation(OPERATION + "Runtime::open")
                    .containerId(id).build();
        }
        return c;
    }

    @Override
    public List<String> list() {
        return List.copyOf(containers.keySet());
    }
}
