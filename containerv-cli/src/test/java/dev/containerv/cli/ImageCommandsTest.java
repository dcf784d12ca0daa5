package dev.containerv.cli;

import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ProcessSpec;
import dev.containerv.images.Digest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** pull, images, rmi, prune and run/create --image against a fake runtime, with images the test builds. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ImageCommandsTest {
    @TempDir
    Path tmp;
    private final CliHarness cli = new CliHarness();
    private Path base;
    private Path app;

    @BeforeEach
    void store() throws IOException {
        cli.hostEnv.put(ImageStoreOptions.ENV, tmp.resolve("store").toString());
        cli.workingDir = tmp;
        base = Files.createDirectories(tmp.resolve("trees/base/etc"));
        Files.writeString(base.resolve("os-release"), "base\n");
        base = base.getParent();
        app = Files.createDirectories(tmp.resolve("trees/app/app"));
        Files.writeString(app.resolve("run.sh"), "echo app\n");
        app = app.getParent();
    }

    private Path layout(String name, TestImages.RunConfig run) throws Exception {
        return TestImages.ociLayout(tmp.resolve(name), List.of(base, app), run);
    }

    @Test
    void runWithAnImageRunsOnItsLayersWithItsDefaultCommandEnvWorkdirAndUser() throws Exception {
        layout("tools", new TestImages.RunConfig(List.of("/bin/sh"), List.of("/app/run.sh"), List.of("A=image", "B=image"), "/app", "1000:1000"));

        CliHarness.Result r = cli.run("run", "--image", "tools");

        assertThat(r.code()).as(r.err()).isZero();
        ContainerSpec spec = cli.runtime.created.get(0);
        assertThat(spec.rootfsLayers()).hasSize(2);
        assertThat(spec.rootfsLayers().get(0).resolve("app/run.sh")).as("top layer first").hasContent("echo app");
        assertThat(spec.rootfsLayers().get(1).resolve("etc/os-release")).hasContent("base");
        ProcessSpec p = only().spawned.get(0);
        assertThat(p.command()).containsExactly("/bin/sh", "/app/run.sh");
        assertThat(p.environment()).containsEntry("A", "image").containsEntry("B", "image");
        assertThat(p.workingDirectory()).contains("/app");
        assertThat(p.user()).contains("1000:1000");
    }

    @Test
    void argumentsReplaceCmdAndOptionsWinOverTheImage() throws Exception {
        layout("tools", new TestImages.RunConfig(List.of("/bin/sh"), List.of("/app/run.sh"), List.of("A=image", "B=image"), "/app", "1000"));

        CliHarness.Result r = cli.run("run", "--image", "tools", "-e", "A=given", "-w", "/tmp", "-u", "0", "--", "-c", "echo hi");

        assertThat(r.code()).as(r.err()).isZero();
        ProcessSpec p = only().spawned.get(0);
        assertThat(p.command()).containsExactly("/bin/sh", "-c", "echo hi");
        assertThat(p.environment()).containsEntry("A", "given").containsEntry("B", "image");
        assertThat(p.workingDirectory()).contains("/tmp");
        assertThat(p.user()).contains("0");
    }

    @Test
    void anImageWithoutACommandNeedsOne() throws Exception {
        layout("bare", TestImages.RunConfig.of(List.of()));
        CliHarness.Result r = cli.run("run", "--image", "bare");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("no default command");
        assertThat(cli.runtime.created).isEmpty();
        assertThat(cli.run("run").err()).contains("needs a COMMAND");
    }

    @Test
    void imageAndRootfsTogetherAreInvalid() throws Exception {
        layout("tools", TestImages.RunConfig.of(List.of("/bin/true")));
        CliHarness.Result r = cli.run("run", "--image", "tools", "--rootfs", "/", "--", "/bin/true");
        assertThat(r.code()).isEqualTo(ExitCodes.INVALID_SPEC);
        assertThat(r.err()).contains("--rootfs").contains("--image");
    }

    @Test
    void createWithAnImageGivesThePersistentContainerItsLayers() throws Exception {
        layout("tools", TestImages.RunConfig.of(List.of("/bin/true")));
        CliHarness.Result r = cli.run("create", "--image", "tools");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(cli.runtime.created.get(0).rootfsLayers()).hasSize(2);
        assertThat(cli.runtime.created.get(0).persistent()).isTrue();
    }

    @Test
    void theSameImageFromALayoutAndADockerArchiveGivesTheSameLayers() throws Exception {
        TestImages.RunConfig run = TestImages.RunConfig.of(List.of("/bin/true"));
        layout("tools", run);
        TestImages.dockerArchive(tmp.resolve("tools.tar"), tmp.resolve("archive-work"), List.of(base, app), run);

        assertThat(cli.run("run", "--image", "tools", "--", "/bin/true").code()).isZero();
        CliHarness.Result fromArchive = cli.run("run", "--image", "tools.tar", "--", "/bin/true");
        assertThat(fromArchive.code()).as(fromArchive.err()).isZero();

        assertThat(cli.runtime.created.get(1).rootfsLayers()).isEqualTo(cli.runtime.created.get(0).rootfsLayers());
        CliHarness.Result images = cli.run("images");
        assertThat(images.out()).contains("localhost/tools:latest", "localhost/tools.tar:latest").contains("2 images, 2 layers");
    }

    @Test
    void pullImagesRmiAndPrune() throws Exception {
        layout("tools", TestImages.RunConfig.of(List.of("/bin/true")));

        CliHarness.Result pulled = cli.run("pull", "tools");
        assertThat(pulled.code()).as(pulled.err()).isZero();
        assertThat(pulled.out()).contains("2 layers fetched", "0 already in the store", "localhost/tools:latest  sha256:");
        CliHarness.Result again = cli.run("pull", "tools");
        assertThat(again.out()).contains("already in the store").contains("0 layers fetched", "2 already in the store");

        CliHarness.Result images = cli.run("images");
        assertThat(images.out()).containsPattern("localhost/tools:latest +[0-9a-f]{12} +2 +\\d+ B");

        assertThat(cli.run("rmi", "localhost/tools:latest").out()).isEqualTo("localhost/tools:latest\n");
        CliHarness.Result missing = cli.run("rmi", "localhost/tools:latest");
        assertThat(missing.code()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(missing.err()).contains("no image localhost/tools:latest");

        CliHarness.Result pruned = cli.run("prune");
        assertThat(pruned.out()).contains("2 layers removed");
        assertThat(cli.run("images").out()).contains("0 images, 0 layers");
    }

    @Test
    void progressOnATerminalRedrawsOneLineAndElsewherePrintsOneLinePerLayer() {
        Digest layer = Digest.of("layer".getBytes(StandardCharsets.UTF_8));
        AtomicLong clock = new AtomicLong();
        ByteArrayOutputStream tty = new ByteArrayOutputStream();
        PullProgressPrinter t = new PullProgressPrinter(new PrintStream(tty, true, StandardCharsets.UTF_8), true, clock::get);
        t.layerStarted(layer, 2 << 20);
        clock.set(500_000_000L);
        t.layerProgress(layer, 1 << 20);
        clock.set(1_000_000_000L);
        t.layerProgress(layer, 2 << 20);
        t.layerDone(layer, false);
        String shown = tty.toString(StandardCharsets.UTF_8);
        assertThat(shown).contains("\r" + PullProgressPrinter.shortId(layer) + "  1.0 MiB / 2.0 MiB  2.0 MiB/s\033[K")
                .endsWith("\r" + PullProgressPrinter.shortId(layer) + "  2.0 MiB in 1.0 s (2.0 MiB/s)\033[K\n");

        ByteArrayOutputStream pipe = new ByteArrayOutputStream();
        clock.set(0);
        PullProgressPrinter q = new PullProgressPrinter(new PrintStream(pipe, true, StandardCharsets.UTF_8), false, clock::get);
        q.layerStarted(layer, 2 << 20);
        clock.set(1_000_000_000L);
        q.layerProgress(layer, 2 << 20);
        q.layerDone(layer, false);
        q.layerDone(Digest.of(new byte[1]), true);
        assertThat(pipe.toString(StandardCharsets.UTF_8)).doesNotContain("\r", "\033")
                .isEqualTo(PullProgressPrinter.shortId(layer) + "  2.0 MiB in 1.0 s (2.0 MiB/s)\n"
                        + PullProgressPrinter.shortId(Digest.of(new byte[1])) + "  already in the store\n");
        assertThat(q.summary()).isEqualTo("1 layer fetched (2.0 MiB), 1 already in the store");
    }

    @Test
    void theStoreComesFromTheOptionOrTheEnvironmentElseTheDefaultOutsideLinuxNsDirectories() {
        assertThat(ImageStoreOptions.DEFAULT.startsWith(Path.of("/var/lib/containerv"))).isFalse();
        Path other = tmp.resolve("other-store");
        assertThat(cli.run("images", "--image-store", other.toString()).out()).contains(other.toString());
        assertThat(cli.run("images").out()).contains(tmp.resolve("store").toString());
    }

    private FakeRuntime.FakeContainer only() {
        assertThat(cli.runtime.containers).hasSize(1);
        return cli.runtime.containers.values().iterator().next();
    }
}
