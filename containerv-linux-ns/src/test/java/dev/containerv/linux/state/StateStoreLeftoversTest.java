package dev.containerv.linux.state;

import dev.containerv.linux.cgroup.HostCgroups;
import dev.containerv.linux.proc.Proc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The safety net of destroy and of the stale-state cleanup ({@link StateStore#removeLeftovers}) removes every tree of a
 * container in the layer root, of this version's layout ({@code <id>+upper}, {@code <id>+work}) and of the earlier one
 * ({@code <id>/}), and its state directory, also when it skips the look for a veth; another container's trees stay.
 */
class StateStoreLeftoversTest {
    @TempDir
    Path tmp;

    @Test
    void bothLayoutsAndTheStateDirectoryAreRemovedAndNothingOfAnotherId() throws IOException {
        Path layers = Files.createDirectories(tmp.resolve("layers"));
        Path state = Files.createDirectories(tmp.resolve("state/c1"));
        Files.writeString(state.resolve("state.json"), "{}");
        Files.writeString(Files.createDirectories(layers.resolve("c1+upper/etc")).resolve("f"), "x");
        Files.createDirectories(layers.resolve("c1+work/work/incompat/volatile"));
        Files.writeString(Files.createDirectories(layers.resolve("c1/upper")).resolve("g"), "old layout");
        Files.createDirectories(layers.resolve("c10+upper"));
        Files.createDirectories(layers.resolve("c1.x+work"));
        StateStore store = new StateStore(Proc.HOST, new Leftovers(() -> {
            throw new AssertionError("no mounts here, no helper needed");
        }, Proc.HOST), HostCgroups.unusable("not in this test"));

        assertThat(store.removeLeftovers(StatePaths.of(tmp.resolve("state"), layers, "c1"), false)).isEmpty();

        assertThat(state).doesNotExist();
        try (Stream<Path> left = Files.list(layers)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("c10+upper", "c1.x+work");
        }
    }
}
