package dev.containerv.linux.runtime;

import dev.containerv.linux.proc.Proc;
import dev.containerv.linux.state.StateRootLock;
import dev.containerv.linux.state.StatePaths;

import dev.containerv.api.Access;
import dev.containerv.api.Capability;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.IdMapping;
import dev.containerv.api.Layer;
import dev.containerv.api.NetworkSpec;
import dev.containerv.api.SecurityPolicy;
import dev.containerv.linux.LinuxOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Refusals that happen before anything is created; they need neither root nor the helper. */
class RuntimeValidationTest {
    @TempDir
    Path tmp;
    private LinuxRuntime runtime;
    private final AtomicInteger helperAsked = new AtomicInteger();
    private Path image;

    @BeforeEach
    void setUp() throws IOException {
        image = Files.createDirectories(tmp.resolve("image"));
        LinuxOptions options = LinuxOptions.builder().stateRoot(tmp.resolve("state")).layerRoot(tmp.resolve("layers")).build();
        runtime = new LinuxRuntime(options, () -> {
            helperAsked.incrementAndGet();
            throw new ContainerException(ErrorKind.NOT_SUPPORTED, "no helper in this test");
        }, () -> 1000, Proc.HOST);
    }

    /**
     * A runtime of the uid that owns the temp dirs (the one of {@link #setUp} claims uid 1000, whose roots must be
     * its own: see UserPlaces).
     */
    private LinuxRuntime ownersRuntime() throws IOException {
        long owner = Proc.HOST.euid();
        return new LinuxRuntime(LinuxOptions.builder().stateRoot(tmp.resolve("state")).layerRoot(tmp.resolve("layers")).build(), () -> {
            throw new ContainerException(ErrorKind.NOT_SUPPORTED, "no helper in this test");
        }, () -> owner, Proc.HOST);
    }

    private ContainerException refusal(ContainerSpec spec) {
        try {
            runtime.create(spec);
        } catch (ContainerException e) {
            assertThat(tmp.resolve("state")).doesNotExist();
            assertThat(tmp.resolve("layers")).doesNotExist();
            assertThat(helperAsked).hasValue(0);
            return e;
        }
        throw new AssertionError("create did not refuse " + spec);
    }

    @Test
    void aHelperNamedByTheSpecIsUsedAndAMissingOneIsRefusedBeforeAnythingIsMade() {
        LinuxRuntime asRoot = new LinuxRuntime(LinuxOptions.builder().stateRoot(tmp.resolve("state")).layerRoot(tmp.resolve("layers")).build(),
                () -> {
                    helperAsked.incrementAndGet();
                    throw new ContainerException(ErrorKind.NOT_SUPPORTED, "the runtime's helper was asked for");
                }, () -> 0, Proc.HOST);
        Path missing = tmp.resolve("no-such-helper");
        ContainerSpec spec = ContainerSpec.builder().id("c").rootfs(image)
                .extension(LinuxOptions.builder().stateRoot(tmp.resolve("state")).layerRoot(tmp.resolve("layers")).helperPath(missing).build())
                .build();
        assertThatThrownBy(() -> asRoot.create(spec))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
                .hasMessageContaining("linuxOptions.helperPath").hasMessageContaining(missing.toString());
        assertThat(helperAsked).hasValue(0);
        assertThat(tmp.resolve("state")).doesNotExist();
        assertThat(tmp.resolve("layers")).doesNotExist();
    }

    @Test
    void untrustedRootsAndAHelperOthersCouldReplaceAreRefusedBeforeAnythingIsMade() throws IOException {
        LinuxRuntime asRoot = new LinuxRuntime(LinuxOptions.builder().stateRoot(tmp.resolve("state")).layerRoot(tmp.resolve("layers")).build(),
                () -> {
                    helperAsked.incrementAndGet();
                    throw new ContainerException(ErrorKind.NOT_SUPPORTED, "the runtime's helper was asked for");
                }, () -> 0, Proc.HOST);
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxr-x"));
        Path helper = Files.writeString(shared.resolve("helper"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(helper, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        ContainerSpec ownHelper = ContainerSpec.builder().id("c").rootfs(image)
                .extension(LinuxOptions.builder().stateRoot(tmp.resolve("state")).layerRoot(tmp.resolve("layers")).helperPath(helper).build())
                .build();
        assertThatThrownBy(() -> asRoot.create(ownHelper))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED))
                .hasMessageContaining("the helper " + helper + " is not trusted").hasMessageContaining(shared + " (above it) is writable by group");
        ContainerSpec sharedLayers = ContainerSpec.builder().id("c").rootfs(image)
                .extension(LinuxOptions.builder().stateRoot(tmp.resolve("state")).layerRoot(shared.resolve("layers")).build()).build();
        assertThatThrownBy(() -> asRoot.create(sharedLayers))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED))
                .hasMessageContaining("the layer root " + shared.resolve("layers") + " is not trusted");
        assertThat(helperAsked).hasValue(0);
        assertThat(tmp.resolve("state")).doesNotExist();
        assertThat(shared.resolve("layers")).doesNotExist();
    }

    @Test
    void staleStateIsJudgedAndRemovedOnlyUnderTheStateRootLock() throws Exception {
        Path stale = Files.createDirectories(tmp.resolve("state").resolve("gone1"));
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(3600))); // no state, an hour old: stale
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<List<String>> listing;
            try (StateRootLock held = StateRootLock.acquire(tmp.resolve("state"))) {
                listing = other.submit(ownersRuntime()::list);
                Thread.sleep(300);
                assertThat(listing.isDone()).as("list() must wait for the lock before removing stale state").isFalse();
                assertThat(stale).exists();
            }
            assertThat(listing.get(10, TimeUnit.SECONDS)).isEmpty();
            assertThat(stale).doesNotExist();
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void aNetworkSpecNeedsAHostAddressInsideItsSubnet() {
        ContainerException outside = refusal(ContainerSpec.builder().id("c").rootfs(image)
                .capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.NETWORK)
                .network(NetworkSpec.builder().containerAddress("10.0.0.2/24").hostAddress("10.0.1.1").build()).build());
        assertThat(outside.kind()).isEqualTo(ErrorKind.INVALID_SPEC);
        assertThat(outside.getMessage()).contains("network.hostAddress", "10.0.1.1");
    }

    @Test
    void usersNeedsUidAndGidMappingsThatMapContainerIdZero() {
        // Root's validation: a normal user's runtime (uid 1000 of setUp) refuses USERS outright (rootless).
        runtime = new LinuxRuntime(LinuxOptions.builder().stateRoot(tmp.resolve("state")).layerRoot(tmp.resolve("layers")).build(), () -> {
            helperAsked.incrementAndGet();
            throw new ContainerException(ErrorKind.NOT_SUPPORTED, "no helper in this test");
        }, () -> 0, Proc.HOST);
        ContainerException users = refusal(ContainerSpec.builder().id("c").rootfs(image)
                .capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.USERS).build());
        assertThat(users.kind()).isEqualTo(ErrorKind.INVALID_SPEC);
        assertThat(users.getMessage()).contains("uidMappings", "at least one mapping");

        ContainerException maps = refusal(ContainerSpec.builder().id("c").rootfs(image)
                .capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.USERS)
                .uidMappings(new IdMapping(0, 100000, 65536)).gidMappings(new IdMapping(1, 100000, 65536)).build());
        assertThat(maps.kind()).isEqualTo(ErrorKind.INVALID_SPEC);
        assertThat(maps.getMessage()).contains("gidMappings", "container id 0");
    }

    @Test
    void aPolicyWithAnUnknownSystemCallOrWithoutNoNewPrivilegesIsInvalid() {
        ContainerException unknown = refusal(ContainerSpec.builder().id("c").rootfs(image)
                .policy(SecurityPolicy.builder(dev.containerv.api.PolicyProfile.MINIMAL).allowSyscalls("teleport").build()).build());
        assertThat(unknown.kind()).isEqualTo(ErrorKind.INVALID_SPEC);
        assertThat(unknown.getMessage()).contains("teleport");

        ContainerException nnp = refusal(ContainerSpec.builder().id("c").rootfs(image)
                .policy(SecurityPolicy.of(dev.containerv.api.PolicyProfile.BUILD))
                .extension(dev.containerv.linux.LinuxOptions.builder().noNewPrivileges(false).build()).build());
        assertThat(nnp.kind()).isEqualTo(ErrorKind.INVALID_SPEC);
        assertThat(nnp.getMessage()).contains("noNewPrivileges");
    }

    @Test
    void filesystemAndProcessControlAreRequiredByThisDesign() {
        ContainerException e = refusal(ContainerSpec.builder().id("c").rootfs(image).capabilities(Capability.FILESYSTEM, Capability.IPC).build());
        assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED);
        assertThat(e.getMessage()).contains("PROCESS_CONTROL", "pid namespace");
        assertThat(refusal(ContainerSpec.builder().id("c").rootfs(image).capabilities(Capability.PROCESS_CONTROL).build()).getMessage())
                .contains("Capability.FILESYSTEM");
    }

    @Test
    void rootfsMustExistBeADirectoryAndBeNameableByOverlayfs() throws IOException {
        ContainerException missing = refusal(ContainerSpec.builder().id("c").rootfs(tmp.resolve("absent")).build());
        assertThat(missing.kind()).isEqualTo(ErrorKind.NOT_FOUND);
        assertThat(missing.getMessage()).contains("rootfs " + tmp.resolve("absent"));
        ContainerException file = refusal(ContainerSpec.builder().id("c").rootfs(Files.writeString(tmp.resolve("f"), "x")).build());
        assertThat(file.kind()).isEqualTo(ErrorKind.INVALID_SPEC);
        ContainerException colon = refusal(ContainerSpec.builder().id("c").rootfs(Files.createDirectories(tmp.resolve("a:b"))).build());
        assertThat(colon.kind()).isEqualTo(ErrorKind.INVALID_SPEC);
        assertThat(colon.getMessage()).contains("rootfs", "overlayfs");
    }

    @Test
    void layerPathsMustBePosixAndSourcesMustExist() {
        ContainerException windows = refusal(ContainerSpec.builder().id("c").rootfs(image)
                .layer(Layer.hostDirectory(tmp, "C:\\src", Access.READ_ONLY)).build());
        assertThat(windows.kind()).isEqualTo(ErrorKind.INVALID_SPEC);
        assertThat(windows.getMessage()).contains("layer.containerPath", "POSIX");
        ContainerException source = refusal(ContainerSpec.builder().id("c").rootfs(image)
                .layer(Layer.hostDirectory(tmp.resolve("gone"), "/src", Access.READ_ONLY)).build());
        assertThat(source.kind()).isEqualTo(ErrorKind.NOT_FOUND);
        assertThat(source.getMessage()).contains(tmp.resolve("gone").toString(), "/src");
    }

    /** Rootless (uid 1000 here, granted no /etc/subuid range): USERS is not offered, before the spec is even validated. */
    @Test
    void aNormalUsersUsersCapabilityIsNotSupported() {
        ContainerException e = refusal(ContainerSpec.builder().id("c").rootfs(image)
                .capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.USERS).build());
        assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED);
        assertThat(e.getMessage()).contains("capability USERS", "normal user");
    }

    /** Rootless (uid 1000 here): a veth needs CAP_NET_ADMIN in the host's network namespace. */
    @Test
    void aNormalUsersNetworkSpecIsNotSupportedNamingWhyAndTouchesNothing() {
        ContainerException e = refusal(ContainerSpec.builder().id("c").rootfs(image)
                .capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.NETWORK)
                .network(dev.containerv.api.NetworkSpec.builder().containerAddress("10.99.0.2/24").hostAddress("10.99.0.1").build()).build());
        assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED);
        assertThat(e.getMessage()).contains("veth", "CAP_NET_ADMIN", "host's network namespace", "only lo");
    }

    @Test
    void openRejectsIdsThatCouldTraverseAndReportsUnknownIds() throws IOException {
        LinuxRuntime runtime = ownersRuntime();
        assertThatThrownBy(() -> runtime.open("../etc")).isInstanceOfSatisfying(ContainerException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC));
        assertThatThrownBy(() -> runtime.open("nobody-here")).isInstanceOfSatisfying(ContainerException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND)).hasMessageContaining("nobody-here");
        assertThat(runtime.list()).isEmpty();
    }

    /**
     * A create judges each root once: the roots that exist when it starts are judged then, as they are, and the claim
     * judges only a root it found missing, once the root exists. The root another user makes in between (under a
     * sticky parent such as /tmp) is still refused at the claim.
     */
    @Test
    void aRootMadeByAnotherUserAfterTheChecksIsRefusedAtTheClaim() throws IOException {
        org.assertj.core.api.Assumptions.assumeThat(((Number) Files.getAttribute(tmp, "unix:uid")).longValue())
                .as("changing an owner needs root").isZero();
        LinuxRuntime owners = ownersRuntime();
        LinuxOptions options = owners.defaults();
        Files.createDirectories(options.stateRoot(), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        java.util.Set<Path> judged = owners.requireTrustedRoots(options, "test", "c1");
        assertThat(judged).containsExactly(options.stateRoot());
        Path layers = Files.createDirectory(options.layerRoot());
        Files.setPosixFilePermissions(layers, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setAttribute(layers, "unix:uid", 65534);
        Path stateDir = options.stateRoot().resolve("c1");
        assertThatThrownBy(() -> owners.store().claim("test", "c1", options.stateRoot(), layers, new StatePaths(stateDir, layers.resolve("c1")), judged))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED))
                .hasMessageContaining("layer root").hasMessageContaining("belongs to uid 65534");
        assertThat(stateDir).doesNotExist();
    }
}
