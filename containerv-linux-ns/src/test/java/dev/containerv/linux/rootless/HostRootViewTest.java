package dev.containerv.linux.rootless;

import dev.containerv.linux.plan.LaunchPlan;
import dev.containerv.linux.proc.Proc;
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

    /** The fifth field of every line, escapes undone, the last line with or without its newline. */
    @Test
    void mountPointsAreTheFifthFieldOfEachMountinfoLine() {
        String text = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
                + "23 22 0:5 / /proc rw,nosuid shared:2 - proc proc rw\n"
                + "24 22 0:40 / /srv/my\\040data rw - tmpfs tmpfs rw";
        assertThat(Proc.mountPoints(text)).containsExactly(Path.of("/"), Path.of("/proc"), Path.of("/srv/my data"));
        assertThat(Proc.mountPoints(text + "\n")).containsExactly(Path.of("/"), Path.of("/proc"), Path.of("/srv/my data"));
    }

    /** This process's own mount table, read whole, gives what reading it line by line gives. */
    @Test
    void theLiveMountTableReadsAsLineByLine() throws IOException {
        List<Path> lineByLine = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .map(l -> l.split(" ")[4].replace("\\040", " ")).map(Path::of).toList();
        assertThat(Proc.HOST.mountPoints()).isNotEmpty().containsExactlyElementsOf(lineByLine);
    }

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
        Path scratch = layerDir.resolve("scratch");
        Path base = HostRootView.apply(plan, root, layerDir, scratch, List.of(Path.of("/"), root.resolve("mnt/disk")));
        plan.stateDir(tmp.resolve("state"), tmp.resolve("state/control")).overlayOnTmpfs(base, scratch, 0, layerDir.resolve("merged"));
        String text = plan.render();
        assertThat(base).isEqualTo(layerDir.resolve("base")).isEmptyDirectory();
        assertThat(text).contains("overlay-dir " + root.resolve("usr") + " " + scratch.resolve("dirs/usr") + " /usr\n")
                .contains("bind " + root.resolve("mnt") + " /mnt ro\n")
                .contains("symlink usr/bin /bin\n")
                .contains("bind " + root.resolve(".marker") + " /.marker ro\n")
                .doesNotContain(" /proc");
        // The home holding the layer root is an overlay too (its writable layer on the tmpfs, outside it), not a bind,
        // through which the user's sockets would connect and locks reach the host's files.
        assertThat(text).contains("overlay-dir " + home + " " + scratch.resolve("dirs/home") + " /home\n")
                .doesNotContain("bind " + home);
        assertThat(layerDir.resolve("dirs")).as("nothing made on the host for the overlays' layers").doesNotExist();
    }
}
