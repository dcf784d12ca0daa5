package dev.containerv.cli;

import dev.containerv.api.ContainerRuntimes;
import dev.containerv.api.RuntimeProbe;
import dev.containerv.spi.FileTrees;
import dev.containerv.testkit.Privileges;
import dev.containerv.testkit.TestRootfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * Issue 17's acceptance through the real command as root: pull from a local registry, run on the image's root, a
 * second run that neither downloads nor unpacks, the same image from an OCI layout and a docker-save archive, a
 * shared base stored once, and a Debian root as a one-layer image running {@code apt-get --version}. Skips with the
 * reason where linux-ns, busybox, docker-registry or skopeo is missing, fails instead where
 * {@code CONTAINERV_REQUIRE_PRIVILEGED=1}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ImagePrivilegedTest {
    private static final Path DEBIAN_CACHE = Path.of("/var/cache/containerv-test");
    private Path work;
    private Path store;
    private Path base;
    private Path app;

    @BeforeEach
    void prerequisites() throws IOException {
        Optional<RuntimeProbe> linux = ContainerRuntimes.probeAll().stream().filter(p -> p.name().equals("linux-ns")).findFirst();
        String reason = linux.isEmpty() ? "the linux-ns provider is not on the class path"
                : !linux.get().available() ? "linux-ns is not available here: " + linux.get().reason()
                : TestRootfs.busybox().isEmpty() ? "no busybox on this host (apt-get install -y busybox-static)" : null;
        if (reason != null) {
            if (Privileges.privilegedRequired()) {
                fail(Privileges.REQUIRE_PRIVILEGED_ENV + " is set but the image acceptance test cannot run: " + reason);
            }
            abort(reason);
        }
        work = Files.createTempDirectory("cv-cli-images");
        store = work.resolve("store");
        base = TestRootfs.build(work.resolve("trees/base"));
        app = Files.createDirectories(work.resolve("trees/app/app"));
        Files.writeString(app.resolve("hello"), "hello from the app layer\n");
        app = app.getParent();
    }

    @AfterEach
    void removeWork() throws IOException {
        if (work != null) {
            FileTrees.deleteTree(work);
        }
    }

    @Test
    void pullThenRunAndASecondRunNeitherDownloadsNorUnpacks() throws Exception {
        Path layout = TestImages.ociLayout(work.resolve("layout"), List.of(base, app),
                new TestImages.RunConfig(List.of(), List.of("/bin/cat", "/app/hello"), List.of("GREETING=from-image"), "/app", ""));
        String ref;
        try (LocalRegistry registry = LocalRegistry.start(work.resolve("registry"))) {
            ref = registry.push(layout, "team/app");
            CliHarness.Result pulled = cli("pull", ref);
            assertThat(pulled.code()).as(pulled.err()).isZero();
            assertThat(pulled.out()).contains("2 layers fetched", ref + "  sha256:");

            CliHarness.Result run = cli("run", "--image", ref, "--", "/bin/sh", "-c", "cat /app/hello; echo $GREETING; pwd");
            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out()).isEqualTo("hello from the app layer\nfrom-image\n/app\n");
            CliHarness.Result byDefault = cli("run", "--image", ref);
            assertThat(byDefault.out()).as(byDefault.err()).isEqualTo("hello from the app layer\n");
        }
        // The registry is gone: a run that asked it anything would fail. The layers must not be unpacked again either.
        Map<Path, String> before = layerStamps();
        assertThat(before).hasSize(2);
        CliHarness.Result again = cli("run", "--image", ref, "--", "/bin/cat", "/app/hello");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).isEqualTo("hello from the app layer\n");
        assertThat(again.err()).as("no progress lines: nothing was fetched").isEmpty();
        assertThat(layerStamps()).isEqualTo(before);
        assertThat(cli("run", "--image", ref + "-missing", "--", "/bin/true").code()).as("a reference not in the store does go to the registry")
                .isNotZero();
    }

    @Test
    void theSameImageFromAnOciLayoutAndADockerArchiveRunsTheSame() throws Exception {
        TestImages.RunConfig run = TestImages.RunConfig.of(List.of("/bin/cat", "/app/hello"));
        Path layout = TestImages.ociLayout(work.resolve("app-layout"), List.of(base, app), run);
        Path archive = TestImages.dockerArchive(work.resolve("app.tar"), work.resolve("archive"), List.of(base, app), run);

        CliHarness.Result fromLayout = cli("run", "--image", layout.toString());
        CliHarness.Result fromArchive = cli("run", "--image", archive.toString());

        assertThat(fromLayout.code()).as(fromLayout.err()).isZero();
        assertThat(fromArchive.code()).as(fromArchive.err()).isZero();
        assertThat(fromLayout.out()).isEqualTo("hello from the app layer\n").isEqualTo(fromArchive.out());
        assertThat(layerStamps()).as("both name the same two layers").hasSize(2);
    }

    @Test
    void twoImagesSharingABaseLayerStoreItOnce() throws Exception {
        Path other = Files.createDirectories(work.resolve("trees/other/other"));
        Files.writeString(other.resolve("hello"), "hello from the other layer\n");
        Path appLayout = TestImages.ociLayout(work.resolve("l-app"), List.of(base, app), TestImages.RunConfig.of(List.of("/bin/true")));
        Path otherLayout = TestImages.ociLayout(work.resolve("l-other"), List.of(base, other.getParent()), TestImages.RunConfig.of(List.of("/bin/true")));
        try (LocalRegistry registry = LocalRegistry.start(work.resolve("registry"))) {
            String appRef = registry.push(appLayout, "team/app");
            String otherRef = registry.push(otherLayout, "team/other");
            assertThat(cli("pull", appRef).out()).contains("2 layers fetched");
            CliHarness.Result second = cli("pull", otherRef);
            assertThat(second.out()).as(second.err()).contains("1 layer fetched", "1 already in the store");
            assertThat(layerStamps()).hasSize(3);
            assertThat(cli("images").out()).contains("2 images, 3 layers");
            assertThat(cli("run", "--image", otherRef, "--", "/bin/cat", "/other/hello").out()).isEqualTo("hello from the other layer\n");
        }
    }

    @Test
    void aDebianRootAsAOneLayerImageRunsAptGet() throws Exception {
        Optional<Path> debian = debianRoot();
        if (debian.isEmpty()) {
            // The tree is DebianRootfsPrivilegedTest's (linux-ns), which skips where no Debian mirror can be reached.
            abort("environment limit: no debootstrapped Debian root in " + DEBIAN_CACHE + " (containerv-linux-ns's DebianRootfsPrivilegedTest makes it)");
        }
        Path layout = TestImages.ociLayout(work.resolve("debian-layout"), List.of(debian.get()),
                new TestImages.RunConfig(List.of(), List.of("/bin/bash"), List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin"), "/", ""));
        try (LocalRegistry registry = LocalRegistry.start(work.resolve("registry"))) {
            String ref = registry.push(layout, "debian/minbase");
            CliHarness.Result pulled = cli("pull", ref);
            assertThat(pulled.code()).as(pulled.err()).isZero();
            CliHarness.Result apt = cli("run", "--image", ref, "--", "apt-get", "--version");
            assertThat(apt.code()).as(apt.err()).isZero();
            assertThat(apt.out()).startsWith("apt ");
        }
    }

    private static Optional<Path> debianRoot() throws IOException {
        if (!Files.isDirectory(DEBIAN_CACHE)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(DEBIAN_CACHE)) {
            return s.filter(p -> p.getFileName().toString().startsWith("debian-") && Files.exists(p.resolve(".containerv-complete"))).findFirst();
        }
    }

    /** Each unpacked layer directory with its inode and modification time: unpacking again would change them. */
    private Map<Path, String> layerStamps() throws IOException {
        Map<Path, String> stamps = new HashMap<>();
        Path layers = store.resolve("layers/sha256");
        if (!Files.isDirectory(layers)) {
            return stamps;
        }
        try (Stream<Path> s = Files.list(layers)) {
            for (Path l : s.toList()) {
                stamps.put(l, "inode " + Files.getAttribute(l, "unix:ino") + ", mtime " + Files.getLastModifiedTime(l).to(TimeUnit.NANOSECONDS));
            }
        }
        return stamps;
    }

    /** The command in this JVM with the real runtime and this test's image store. */
    private CliHarness.Result cli(String... args) {
        return CliHarness.system(name -> name.equals(ImageStoreOptions.ENV) ? store.toString() : System.getenv(name), args);
    }
}
