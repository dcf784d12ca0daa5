package dev.containerv.linux.state;

import dev.containerv.linux.helper.TestSupport;
import dev.containerv.linux.proc.Proc;
import dev.containerv.testkit.Privileges;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Host cleanup of a dead container's trees: mounts are detached by the helper, symlinks are never followed. */
class LeftoversTest {
    @TempDir
    Path tmp;

    @Test
    void aTreeWithoutMountsIsRemovedWithoutTheHelperAndSymlinksAreNotFollowed() throws IOException {
        Path outside = Files.writeString(tmp.resolve("outside.txt"), "keep me");
        Path tree = Files.createDirectories(tmp.resolve("state/c1/sub"));
        Files.writeString(tree.resolve("f"), "x");
        Files.createSymbolicLink(tree.resolve("link"), outside);
        Files.createSymbolicLink(tmp.resolve("state/c1/dirlink"), tmp);
        Leftovers leftovers = new Leftovers(() -> {
            throw new AssertionError("the helper is only needed for mounts");
        }, Proc.HOST);
        assertThat(leftovers.remove(tmp.resolve("state/c1"), tmp.resolve("absent"))).isEmpty();
        assertThat(tmp.resolve("state/c1")).doesNotExist();
        assertThat(outside).hasContent("keep me");
    }

    @Test
    void aTreeWithAMountIsDetachedAndRemovedThroughTheHelper() throws Exception {
        Path helper = helperAsRoot();
        Path outside = Files.writeString(tmp.resolve("outside.txt"), "keep me");
        Path tree = Files.createDirectories(tmp.resolve("layers/c2"));
        Path mnt = Files.createDirectories(tree.resolve("merged"));
        run("mount", "-t", "tmpfs", "leftover-test", mnt.toString());
        try {
            Files.writeString(mnt.resolve("inside"), "on the tmpfs");
            Files.createSymbolicLink(mnt.resolve("link"), outside);
            assertThat(Proc.HOST.mountsUnder(tree)).containsExactly(mnt);
            List<Exception> problems = new Leftovers(() -> helper, Proc.HOST).remove(tree);
            assertThat(problems).isEmpty();
            assertThat(tree).doesNotExist();
            assertThat(Proc.HOST.mountsUnder(tree)).isEmpty();
            assertThat(outside).hasContent("keep me");
        } finally {
            if (!Proc.HOST.mountsUnder(mnt).isEmpty()) {
                run("umount", "--lazy", mnt.toString());
            }
        }
    }

    /**
     * The supervisor's cleanup and {@code containerv-helper cleanup a b} read the mount table once for all their trees:
     * a mount under each tree (the second one's too) is detached, and both trees are removed.
     */
    @Test
    void severalTreesWithMountsAreDetachedAndRemovedInOneHelperRun() throws Exception {
        Path helper = helperAsRoot();
        Path upper = Files.createDirectories(tmp.resolve("layers/c3+upper"));
        Path state = Files.createDirectories(tmp.resolve("state/c3"));
        Path first = Files.createDirectories(upper.resolve("m1"));
        Path second = Files.createDirectories(state.resolve("deep/m2"));
        run("mount", "-t", "tmpfs", "leftover-test-1", first.toString());
        run("mount", "-t", "tmpfs", "leftover-test-2", second.toString());
        try {
            Files.writeString(second.resolve("inside"), "on the tmpfs");
            Process p = new ProcessBuilder(helper.toString(), "cleanup", upper.toString(), state.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(out).isZero();
            assertThat(upper).doesNotExist();
            assertThat(state).doesNotExist();
            assertThat(Proc.HOST.mountsUnder(tmp)).isEmpty();
        } finally {
            for (Path m : List.of(first, second)) {
                if (!Proc.HOST.mountsUnder(m).isEmpty()) {
                    run("umount", "--lazy", m.toString());
                }
            }
        }
    }

    /** The built helper, as root (mounting needs both): fails when CONTAINERV_REQUIRE_PRIVILEGED is set, skips otherwise. */
    private static Path helperAsRoot() {
        Path helper = TestSupport.requireBuiltHelper();
        String missing = !isRoot() ? "mounting needs root" : null;
        if (missing != null) {
            if (Privileges.privilegedRequired()) {
                Assertions.fail("privileged test cannot run although CONTAINERV_REQUIRE_PRIVILEGED is set: " + missing);
            }
            Assumptions.abort(missing);
        }
        return helper;
    }

    private static boolean isRoot() {
        try {
            return Proc.HOST.euid() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
    }
}
