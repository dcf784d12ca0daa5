package dev.containerv.linux.rootless;

import dev.containerv.linux.plan.LaunchPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The composed rootless view of a tree with mounts below it, on a made-up root. */
class HostRootViewTest {
    @TempDir
    Path tmp;

    @Test
    void onlyATreeWithMountsBelowItNeedsComposing() {
        Path root = Path.of("/srv/root");
        assertThat(HostRootView.needed(root, List.of(Path.of("/"), Path.of("/srv/root")))).isFalse();
        assertThat(HostRootView.needed(root, List.of(Path.of("/"), Path.of("/srv/root/proc")))).isTrue();
        assertThat(HostRootView.needed(root, List.of(Path.of("/srv/rootx/proc")))).isFalse();
    }

    @Test
    void eachTopLevelEntryGetsWhatAUserNamespaceAllows() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("usr/bin"));
        Files.createDirectories(root.resolve("mnt/disk"));
        Files.createDirectories(root.resolve("proc"));
        Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
        Files.writeString(root.resolve(".marker"), "x");
        Path home = Files.createDirectories(root.resolve("home"));
        Path layerDir = Files.createDirectories(home.resolve("me/.local/share/containerv/c1"));
        LaunchPlan plan = new LaunchPlan("c1", "c1");
        Path base = HostRootView.apply(plan, root, layerDir, List.of(Path.of("/"), root.resolve("mnt/disk")));
        plan.stateDir(tmp.resolve("state"), tmp.resolve("state/control")).overlay(base, layerDir.resolve("upper"), layerDir.resolve("work"),
                layerDir.resolve("merged"));
        String text = plan.render();
        assertThat(base).isEqualTo(layerDir.resolve("base")).isEmptyDirectory();
        assertThat(text).contains("overlay-dir " + root.resolve("usr") + " " + layerDir.resolve("dirs/usr") + " /usr\n")
                .contains("bind " + root.resolve("mnt") + " /mnt ro\n")
                .contains("bind " + home + " /home ro\n")
                .contains("symlink usr/bin /bin\n")
                .contains("bind " + root.resolve(".marker") + " /.marker ro\n")
                .doesNotContain(" /proc");
        assertThat(layerDir.resolve("dirs/usr/upper")).isDirectory();
        assertThat(layerDir.resolve("dirs/usr/work")).isDirectory();
    }
}
