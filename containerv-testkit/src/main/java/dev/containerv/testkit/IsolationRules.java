package dev.containerv.testkit;

import dev.containerv.api.Access;
import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.GuestOs;
import dev.containerv.api.IdMapping;
import dev.containerv.api.Layer;
import dev.containerv.api.RuntimeFeature;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code isolation} area of the conformance suite. What a container sees of the host: its own root, host
 * name, processes, mounts, network and IPC. What a container must not be able to do to the host (write the base,
 * a read-only layer, reach host paths and processes) is the {@code security} area ({@link SecurityRules}). Implemented by {@link ContainerConformanceSuite}; see {@link
 * ConformanceRules} for the names.
 */
public interface IsolationRules extends ConformanceRules {
    @Test
    default void required_isolation_hostnameIsTheSpecsAndDefaultsToTheId() {
        tck().requiresIsolation();
        Container named = tck().create(tck().specBuilder(tck().newId()).hostname("tck-host").build());
        assertThat(tck().exec(named, tck().fixture().printHostname()).stdout().strip()).isEqualTo("tck-host");
        assertThat(tck().exec(tck().shared(), tck().fixture().printHostname()).stdout().strip()).isEqualTo(tck().shared().spec().hostname());
    }

    @Test
    default void optional_isolation_onlyTheContainersProcessesAreVisible() throws Exception {
        tck().requires(Capability.PROCESS_CONTROL);
        tck().requiresIsolation();
        Container c = tck().createDefault();
        ContainerProcess sleeper = c.spawn(tck().fixture().sleep(Duration.ofSeconds(60)).build());
        List<String> pids = tck().exec(c, tck().fixture().listProcessIds()).stdout().lines().toList();
        assertThat(pids).contains("1", Long.toString(sleeper.containerPid()));
        assertThat(pids.size()).as("a fresh container runs a handful of processes, not the host's: %s", pids).isLessThan(10);
        assertThat(pids).doesNotContain(Long.toString(ProcessHandle.current().pid()));
        sleeper.destroyForcibly();
    }

    @Test
    default void optional_isolation_rootIsTheRootfs() {
        tck().requires(Capability.FILESYSTEM);
        tck().requiresIsolation();
        Assumptions.assumeTrue(Files.exists(tck().rootfs().resolve(TestRootfs.MARKER.substring(1))),
                "the rootfs is not a TestRootfs, so there is no marker to look for");
        assertThat(tck().exec(tck().shared(), tck().fixture().readFile(TestRootfs.MARKER)).stdout()).isEqualTo(TestRootfs.MARKER_CONTENT);
        // That host paths are out of reach, and writes never reach the base, is the security area's (SecurityRules).
    }

    @Test
    default void optional_isolation_aReadWriteHostDirectoryIsShared() throws IOException {
        tck().requires(Capability.FILESYSTEM);
        tck().requiresFeatures(RuntimeFeature.HOST_DIRECTORY_LAYERS);
        tck().requiresIsolation();
        Path dir = tck().hostTempDir();
        String at = tck().fixture().guestOs() == GuestOs.WINDOWS ? "C:\\work" : "/work";
        ContainerSpec.Builder spec = tck().specBuilder(tck().newId());
        letMappedIdsWrite(spec, dir);
        Container c = tck().create(spec.layer(Layer.hostDirectory(dir, at, Access.READ_WRITE)).build());
        assertThat(tck().exec(c, tck().fixture().writeFile(tck().fixture().path(at, "out.txt"), "from inside")).exitCode()).isZero();
        assertThat(Files.readString(dir.resolve("out.txt"))).isEqualTo("from inside");
    }

    /**
     * In a suite run with a user namespace, a read-write host directory keeps its host owner, so the container's
     * mapped ids need the right to write there.
     */
    private static void letMappedIdsWrite(ContainerSpec.Builder spec, Path... dirs) throws IOException {
        if (spec.build().has(Capability.USERS)) {
            for (Path dir : dirs) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            }
        }
    }

    /**
     * Layers nest in any mix of access (issue 18 item 5): a read-write directory under a read-only one whose host
     * directory lacks the mount point, a tmpfs under it, a read-only directory under the read-write one and a
     * read-write one under that, and a layer at a path the base root lacks. Each keeps its own access.
     */
    @Test
    default void optional_isolation_layersNestWhateverTheirAccess() throws IOException {
        tck().requires(Capability.FILESYSTEM);
        tck().requiresFeatures(RuntimeFeature.HOST_DIRECTORY_LAYERS);
        tck().requiresIsolation();
        GuestFixture fx = tck().fixture();
        boolean windows = fx.guestOs() == GuestOs.WINDOWS;
        Path top = tck().hostTempDir();
        Files.writeString(top.resolve("in.txt"), "read-only");
        Path out = tck().hostTempDir();
        Path ro = tck().hostTempDir();
        Path deep = tck().hostTempDir();
        Path fresh = tck().hostTempDir();
        String nest = windows ? "C:\\nest" : "/nest";
        String outAt = fx.path(nest, "out");
        String roAt = fx.path(outAt, "ro");
        String deepAt = fx.path(roAt, "deep");
        String scratchAt = fx.path(nest, "scratch");
        String freshAt = fx.path(fx.path(windows ? "C:\\not-in-base" : "/not-in-base", "a"), "b");
        boolean tmpfs = tck().runtime().features().contains(RuntimeFeature.TMPFS_LAYERS);
        ContainerSpec.Builder spec = tck().specBuilder(tck().newId())
                .layer(Layer.hostDirectory(top, nest, Access.READ_ONLY))
                .layer(Layer.hostDirectory(out, outAt, Access.READ_WRITE))
                .layer(Layer.hostDirectory(ro, roAt, Access.READ_ONLY))
                .layer(Layer.hostDirectory(deep, deepAt, Access.READ_WRITE))
                .layer(Layer.hostDirectory(fresh, freshAt, Access.READ_WRITE));
        if (tmpfs) {
            spec.layer(Layer.tmpfs(scratchAt, "1M"));
        }
        letMappedIdsWrite(spec, out, deep, fresh);
        Container c = tck().create(spec.build());
        assertThat(tck().exec(c, fx.readFile(fx.path(nest, "in.txt"))).stdout()).isEqualTo("read-only");
        assertThat(tck().exec(c, fx.writeFile(fx.path(nest, "new.txt"), "x")).exitCode()).as("a write into the read-only top").isNotZero();
        assertThat(tck().exec(c, fx.writeFile(fx.path(outAt, "o.txt"), "out")).exitCode()).as("a write under the read-only top").isZero();
        assertThat(Files.readString(out.resolve("o.txt"))).isEqualTo("out");
        assertThat(tck().exec(c, fx.writeFile(fx.path(roAt, "r.txt"), "x")).exitCode()).as("a write into the read-only middle").isNotZero();
        assertThat(tck().exec(c, fx.writeFile(fx.path(deepAt, "d.txt"), "deep")).exitCode()).as("a write three layers down").isZero();
        assertThat(Files.readString(deep.resolve("d.txt"))).isEqualTo("deep");
        assertThat(tck().exec(c, fx.writeFile(fx.path(freshAt, "f.txt"), "fresh")).exitCode()).as("a layer where the base has no path").isZero();
        assertThat(Files.readString(fresh.resolve("f.txt"))).isEqualTo("fresh");
        if (tmpfs) {
            assertThat(tck().exec(c, fx.writeFile(fx.path(scratchAt, "s.txt"), "s")).exitCode()).as("a tmpfs under the read-only top").isZero();
            assertThat(top.resolve("scratch").resolve("s.txt")).doesNotExist();
        }
        assertThat(ro.resolve("r.txt")).doesNotExist();
        assertThat(top.resolve("new.txt")).doesNotExist();
    }

    @Test
    default void optional_isolation_aTmpfsLayerIsEmptyWritableAndPrivate() {
        tck().requires(Capability.FILESYSTEM);
        tck().requiresFeatures(RuntimeFeature.TMPFS_LAYERS);
        tck().requiresIsolation();
        String at = tck().fixture().guestOs() == GuestOs.WINDOWS ? "C:\\scratch" : "/scratch";
        Container c = tck().create(tck().specBuilder(tck().newId()).layer(Layer.tmpfs(at, "16M")).build());
        assertThat(tck().exec(c, tck().fixture().listDirectory(at)).stdout()).isEmpty();
        assertThat(tck().exec(c, tck().fixture().writeFile(tck().fixture().path(at, "t"), "t")).exitCode()).isZero();
        assertThat(tck().exec(tck().shared(), tck().fixture().pathExists(tck().fixture().path(at, "t"))).exitCode()).isNotZero();
    }

    @Test
    default void optional_isolation_theNetworkViewHasOnlyLoopback() {
        tck().requires(Capability.NETWORK);
        tck().requiresIsolation();
        Container c = tck().create(tck().specBuilder(tck().newId()).capabilities(tck().with(Capability.NETWORK)).build());
        assertThat(tck().exec(c, tck().fixture().listNetworkInterfaces()).stdout().lines().toList()).containsExactly("lo");
    }

    @Test
    default void optional_isolation_ipcIsPrivate() throws IOException {
        tck().requires(Capability.IPC);
        tck().requiresGuest(GuestOs.LINUX);
        tck().requiresIsolation();
        Path hostIpc = Path.of("/proc/self/ns/ipc");
        Assumptions.assumeTrue(Files.exists(hostIpc, LinkOption.NOFOLLOW_LINKS), "the host has no /proc/self/ns/ipc to compare with");
        Container c = tck().create(tck().specBuilder(tck().newId()).capabilities(tck().with(Capability.IPC)).build());
        String inside = tck().exec(c, tck().fixture().printNamespace("ipc")).stdout().strip();
        assertThat(inside).startsWith("ipc:[").isNotEqualTo(Files.readSymbolicLink(hostIpc).toString());
        assertThat(tck().exec(tck().shared(), tck().fixture().printNamespace("ipc")).stdout().strip()).isNotEqualTo(inside);
    }

    @Test
    default void optional_isolation_theMountViewIsPrivate() throws IOException {
        tck().requires(Capability.FILESYSTEM);
        tck().requiresGuest(GuestOs.LINUX);
        tck().requiresIsolation();
        Path hostMnt = Path.of("/proc/self/ns/mnt");
        Assumptions.assumeTrue(Files.exists(hostMnt, LinkOption.NOFOLLOW_LINKS), "the host has no /proc/self/ns/mnt to compare with");
        List<String> standardMountPrefixes = List.of("/proc", "/sys", "/dev", "/tmp", "/run", "/etc");
        String inside = tck().exec(tck().shared(), tck().fixture().printNamespace("mnt")).stdout().strip();
        assertThat(inside).startsWith("mnt:[").isNotEqualTo(Files.readSymbolicLink(hostMnt).toString());
        List<String> targets = tck().exec(tck().shared(), tck().fixture().readFile("/proc/self/mounts")).stdout().lines()
                .map(l -> l.split(" ")).filter(f -> f.length > 1).map(f -> f[1]).toList();
        // A container sees its root and the standard file systems; a host mount point elsewhere (a leaked old
        // root, the host's own binds) means the host's mount table reached the container.
        assertThat(targets).as("mount points inside the container").contains("/", "/proc")
                .allMatch(t -> t.equals("/") || standardMountPrefixes.stream().anyMatch(p -> t.equals(p) || t.startsWith(p + "/")),
                        "is / or under " + standardMountPrefixes);
    }

    /**
     * The mapping the id-mapping rules give uids and gids unless the suite says otherwise
     * ({@link ContainerConformanceSuite#idMappingRuleUids()}): container 0..65535 to host 100000..165535.
     */
    IdMapping ID_MAPPING_RULE_MAP = new IdMapping(0, 100000, 65536);

    @Test
    default void optional_isolation_idMappingRootInsideIsTheMappedIdOnTheHost() throws IOException {
        tck().requires(Capability.USERS, Capability.FILESYSTEM);
        tck().requiresFeatures(RuntimeFeature.ID_MAPPING, RuntimeFeature.HOST_DIRECTORY_LAYERS);
        tck().requiresGuest(GuestOs.LINUX);
        tck().requiresIsolation();
        List<IdMapping> uids = tck().idMappingRuleUids();
        List<IdMapping> gids = tck().idMappingRuleGids();
        long rootUid = uids.stream().filter(m -> m.containerStart() == 0).findFirst().orElseThrow().hostStart();
        Path dir = tck().hostTempDir();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Container c = tck().create(tck().specBuilder(tck().newId()).capabilities(tck().with(Capability.USERS))
                .uidMappings(uids.toArray(IdMapping[]::new)).gidMappings(gids.toArray(IdMapping[]::new))
                .layer(Layer.hostDirectory(dir, "/work", Access.READ_WRITE)).build());
        assertThat(tck().exec(c, tck().fixture().printUserId()).stdout().strip()).isEqualTo("0");
        // The kernel's column order: inside, outside, count (the original library wrote them swapped).
        assertThat(tck().exec(c, tck().fixture().readFile("/proc/self/uid_map")).stdout().strip().split("\\s+"))
                .containsExactly(mapWords(uids));
        assertThat(tck().exec(c, tck().fixture().readFile("/proc/self/gid_map")).stdout().strip().split("\\s+"))
                .containsExactly(mapWords(gids));
        assertThat(tck().exec(c, tck().fixture().writeFile("/work/out.txt", "mapped")).exitCode()).isZero();
        assertThat(((Number) Files.getAttribute(dir.resolve("out.txt"), "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue())
                .as("host owner of a file root in the container wrote into a read-write host directory").isEqualTo(rootUid);
    }

    /** The words of a uid_map or gid_map listing the mappings, in order. */
    private static String[] mapWords(List<IdMapping> mappings) {
        return mappings.stream().flatMap(m -> java.util.stream.Stream.of(m.containerStart(), m.hostStart(), m.count()))
                .map(String::valueOf).toArray(String[]::new);
    }

    @Test
    default void optional_isolation_idMappingTheRootfsBelongsToTheContainersRoot() {
        tck().requires(Capability.USERS, Capability.FILESYSTEM);
        tck().requiresFeatures(RuntimeFeature.ID_MAPPING);
        tck().requiresGuest(GuestOs.LINUX);
        tck().requiresIsolation();
        Container c = tck().create(tck().specBuilder(tck().newId()).capabilities(tck().with(Capability.USERS))
                .uidMappings(tck().idMappingRuleUids().toArray(IdMapping[]::new))
                .gidMappings(tck().idMappingRuleGids().toArray(IdMapping[]::new)).build());
        // /etc of the rootfs is owned by root on the host and writable only by its owner: root in the container may
        // write there only if the rootfs appears owned by the container's root (an unmapped owner shows as nobody).
        assertThat(tck().exec(c, tck().fixture().writeFile("/etc/id-mapping-probe", "x")).exitCode()).isZero();
        assertThat(tck().exec(c, tck().fixture().readFile("/etc/id-mapping-probe")).stdout()).isEqualTo("x");
    }
}
