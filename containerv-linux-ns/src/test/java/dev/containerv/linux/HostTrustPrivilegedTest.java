package dev.containerv.linux;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ProcessSpec;
import dev.containerv.linux.proc.Proc;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 12, item 8: the state root is trusted only when it deserves it, and {@code state.json} names nothing that
 * linux-ns runs, connects to or deletes. As root, with the busybox rootfs; skipped or failed like the other
 * privileged tests ({@link Privileged}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostTrustPrivilegedTest {
    private static final Path STATE_ROOT = Path.of("/run/containerv");
    private static final Path LAYER_ROOT = Path.of("/var/lib/containerv");
    @RegisterExtension
    static final PrivilegedBed BED = PrivilegedBed.asRoot("cv-trust");

    private static String newId() {
        return "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Path dir(Path p, String mode) throws IOException {
        Files.createDirectories(p);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    private static void assertRefused(ThrowingCallable call, Path named, String what) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED))
                .hasMessageContaining(named.toString()).hasMessageContaining(what).hasMessageContaining("mode ");
    }

    @Test
    void aForgedStateFileInAWorldWritableStateRootIsRefusedByListOpenAndCreate() throws Exception {
        // What an unprivileged user could do with a state root it can write: a running container whose "init" is
        // a live process (this JVM), a socket and a helper of its choosing.
        Path stateRoot = dir(BED.work().resolve("world-writable"), "rwxrwxrwx");
        Path layerRoot = dir(BED.work().resolve("layers"), "rwx------");
        String id = newId();
        Path forged = Files.createDirectories(stateRoot.resolve(id));
        long self = ProcessHandle.current().pid();
        Files.writeString(forged.resolve("state.json"), "{\"version\":1,\"id\":\"" + id + "\",\"phase\":\"running\",\"initPid\":" + self
                + ",\"initStartTime\":" + Proc.HOST.startTime(self).getAsLong() + ",\"supervisorPid\":" + self
                + ",\"capabilities\":[\"FILESYSTEM\",\"PROCESS_CONTROL\"],\"layers\":[],\"rootfs\":\"/\",\"hostname\":\"x\","
                + "\"helper\":\"/tmp/evil\",\"controlSocket\":\"/tmp/evil.sock\"}");
        ContainerRuntime runtime = new LinuxNamespacesProvider().createRuntime(LinuxOptions.builder().stateRoot(stateRoot).layerRoot(layerRoot).build());
        assertRefused(runtime::list, stateRoot, "is writable by group and others");
        assertRefused(() -> runtime.open(id), stateRoot, "state root");
        String other = newId();
        assertRefused(() -> runtime.create(ContainerSpec.builder().id(other).rootfs(BED.rootfs()).build()), stateRoot, "is not trusted");
        assertThat(stateRoot.resolve(other)).doesNotExist();
        assertThat(forged.resolve("state.json")).exists();
    }

    @Test
    void rootsUnderAGroupWritableParentAreRefusedAndNothingIsMadeThere() throws Exception {
        Path shared = dir(BED.work().resolve("group-writable"), "rwxrwx---");
        ContainerRuntime runtime = new LinuxNamespacesProvider().createRuntime(LinuxOptions.builder()
                .stateRoot(shared.resolve("state")).layerRoot(dir(BED.work().resolve("private-layers"), "rwx------")).build());
        String id = newId();
        assertRefused(() -> runtime.create(ContainerSpec.builder().id(id).rootfs(BED.rootfs()).build()), shared, "(above it) is writable by group");
        assertRefused(runtime::list, shared, "state root");
        assertThat(shared.resolve("state")).doesNotExist();
        ContainerRuntime layersShared = new LinuxNamespacesProvider().createRuntime(LinuxOptions.builder()
                .stateRoot(dir(BED.work().resolve("private-state"), "rwx------")).layerRoot(shared.resolve("layers")).build());
        assertRefused(() -> layersShared.create(ContainerSpec.builder().id(id).rootfs(BED.rootfs()).build()), shared, "layer root");
        assertThat(BED.work().resolve("private-state").resolve(id)).doesNotExist();
    }

    /** Rewrites the state.json of a running container with {@code fields}, as whoever could write it would. */
    private static void forge(String id, String... fields) throws IOException {
        Path stateJson = STATE_ROOT.resolve(id).resolve("state.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode state = (ObjectNode) json.readTree(stateJson.toFile());
        for (int i = 0; i < fields.length; i += 2) {
            state.put(fields[i], fields[i + 1]);
        }
        Files.write(stateJson, json.writeValueAsBytes(state));
    }

    @Test
    void aHelperForgedIntoStateJsonIsNeverExecutedByACopy() throws Exception {
        Path marker = BED.work().resolve("forged-helper-ran");
        Path forgedHelper = Files.writeString(BED.work().resolve("forged-helper"), "#!/bin/sh\ntouch " + marker + "\nexit 1\n");
        Files.setPosixFilePermissions(forgedHelper, PosixFilePermissions.fromString("rwx------"));
        Path upload = Files.writeString(BED.work().resolve("upload"), "uploaded");
        ContainerRuntime runtime = new LinuxNamespacesProvider().createRuntime();
        String id = newId();
        Container c = runtime.create(ContainerSpec.builder().id(id).rootfs(BED.rootfs()).build());
        try {
            // The field older versions ran for every copy of a container joined by id.
            forge(id, "helper", forgedHelper.toString());
            try (Container opened = runtime.open(id)) {
                opened.upload(upload, "/tmp/uploaded");
                assertThat(opened.exec(ProcessSpec.of("/bin/cat", "/tmp/uploaded")).stdout()).isEqualTo("uploaded");
                opened.download("/etc/marker", BED.work().resolve("downloaded"));
                assertThat(BED.work().resolve("downloaded")).hasContent("base");
                assertThat(marker).as("the helper named in state.json must never run").doesNotExist();
            }
        } finally {
            c.destroy();
        }
        PrivilegedBed.assertGone(id);
        assertThat(marker).doesNotExist();
    }

    @Test
    void aCopyRefusesAHelperWhoseDirectoryBecameWritableByOthers() throws Exception {
        Path own = dir(BED.work().resolve("own-helper-dir"), "rwx------");
        Path built = Path.of("target/classes/dev/containerv/linux/native/linux-" + System.getProperty("os.arch") + "/containerv-helper");
        Path helper = Files.copy(built, own.resolve("containerv-helper"));
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
        String id = newId();
        Container c = new LinuxNamespacesProvider().createRuntime().create(ContainerSpec.builder().id(id).rootfs(BED.rootfs())
                .extension(LinuxOptions.builder().helperPath(helper).build()).build());
        try {
            Path upload = Files.writeString(BED.work().resolve("to-upload"), "x");
            c.upload(upload, "/tmp/first");
            Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwxrwxrwx"));
            assertRefused(() -> c.upload(upload, "/tmp/second"), own, "helper");
            assertThat(c.exec(ProcessSpec.of("/bin/ls", "/tmp")).stdout()).contains("first").doesNotContain("second");
        } finally {
            Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwx------"));
            c.destroy();
        }
        PrivilegedBed.assertGone(id);
    }

    @Test
    void directoriesForgedIntoStateJsonAreNeverDeletedByDestroy() throws Exception {
        Path victim = Files.createDirectories(BED.work().resolve("victim"));
        Files.writeString(victim.resolve("keep"), "precious");
        Path victim2 = Files.createDirectories(BED.work().resolve("victim2"));
        ContainerRuntime runtime = new LinuxNamespacesProvider().createRuntime();
        String id = newId();
        Container c = runtime.create(ContainerSpec.builder().id(id).rootfs(BED.rootfs()).build());
        try {
            // The fields older versions removed when a container joined by id was destroyed.
            forge(id, "stateDir", victim.toString(), "layerDir", victim2.toString());
            runtime.open(id).destroy();
            assertThat(victim.resolve("keep")).as("a directory named in state.json must never be deleted").hasContent("precious");
            assertThat(victim2).exists();
        } finally {
            c.destroy();
        }
        PrivilegedBed.assertGone(id);
    }

    @Test
    void theDefaultRootsAreOwnerOnlyAndRootsMadeUnderUmask002AreTrustedAfterwards() throws Exception {
        for (Path root : List.of(STATE_ROOT, LAYER_ROOT)) {
            if (Files.exists(root)) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root))).as(root.toString()).isEqualTo("rwx------");
            }
        }
        Path stateRoot = BED.work().resolve("umask/run/containerv");
        Path layerRoot = BED.work().resolve("umask/lib/containerv");
        String id = newId();
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "umask 002; exec \"$@\"", "sh"));
        cmd.addAll(ChildJvm.command("fresh-roots", id, BED.rootfs().toString(), stateRoot.toString(), layerRoot.toString()));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("exit 0 listed [" + id + "]", "after []");
        for (Path made : List.of(stateRoot, stateRoot.getParent(), layerRoot, layerRoot.getParent())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(made))).as(made.toString()).isEqualTo("rwx------");
        }
        assertThat(stateRoot.resolve(id)).doesNotExist();
        assertThat(LayerEntries.of(layerRoot, id)).isEmpty();
    }
}
