package dev.containerv.linux.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The lock file beside the state root is taken only when it is the root owner's own file, never through a link. */
class StateRootLockTest {
    @TempDir
    Path tmp;

    @Test
    void theLockFileIsMadeOwnerOnlyBesideTheRoot() throws IOException {
        Path root = tmp.resolve("state");
        try (StateRootLock held = StateRootLock.acquire(root)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("state.lock")))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root))).isEqualTo("rwx------");
        }
    }

    @Test
    void aLinkPutWhereTheLockFileGoesIsNotFollowed() throws IOException {
        Path elsewhere = tmp.resolve("elsewhere");
        Files.createSymbolicLink(tmp.resolve("state.lock"), elsewhere);
        assertThatThrownBy(() -> StateRootLock.acquire(tmp.resolve("state"))).isInstanceOf(IOException.class);
        assertThat(elsewhere).doesNotExist();
        // Not left locked for this JVM either: a later attempt fails the same way instead of hanging.
        assertThatThrownBy(() -> StateRootLock.acquire(tmp.resolve("state"))).isInstanceOf(IOException.class);
    }

    @Test
    void aLockFileOfAnotherUserIsRefusedNamingIt() throws IOException {
        assumeThat(((Number) Files.getAttribute(tmp, "unix:uid")).longValue()).as("changing an owner needs root").isZero();
        Path planted = Files.createFile(tmp.resolve("state.lock"));
        Files.setAttribute(planted, "unix:uid", 65534);
        assertThatThrownBy(() -> StateRootLock.acquire(tmp.resolve("state"))).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining(planted.toString()).hasMessageContaining("uid 65534");
    }

    /** {@code p} given to uid 65534 with {@code mode}, as another user would have made it (needs root: skipped otherwise). */
    private Path anotherUsers(Path p, String mode) throws IOException {
        assumeThat(((Number) Files.getAttribute(tmp, "unix:uid")).longValue()).as("changing an owner needs root").isZero();
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        Files.setAttribute(p, "unix:uid", 65534);
        return p;
    }

    /**
     * The rootless fallback {@code /tmp/containerv-<uid>} lies in a sticky directory: the checks before a create pass a
     * root that does not exist yet, and another user can make it (open to all) and a lock file of theirs beside it
     * before this process does, then rename whatever it puts in there. The lock refuses a root that is not this user's.
     */
    @Test
    void aStateRootAnotherUserMadeFirstIsRefusedEvenWithTheirLockFileBesideIt() throws IOException {
        Path root = anotherUsers(Files.createDirectory(tmp.resolve("state")), "rwxrwxrwx");
        Path planted = anotherUsers(Files.createFile(tmp.resolve("state.lock")), "rw-rw-rw-");
        assertThatThrownBy(() -> StateRootLock.acquire(root)).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining(root.toString()).hasMessageContaining("belongs to uid 65534");
        // Root's own root, but open to others: refused too.
        Files.setAttribute(root, "unix:uid", 0);
        Files.setAttribute(planted, "unix:uid", 0);
        assertThatThrownBy(() -> StateRootLock.acquire(root)).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("closed to group and others");
    }

    /** The layer root is made by the claim under the lock, and judged again once it exists, as the state root is. */
    @Test
    void aLayerRootAnotherUserMadeFirstIsRefusedAtTheClaim() throws IOException {
        Path layers = anotherUsers(Files.createDirectory(tmp.resolve("layers")), "rwxrwxrwx");
        StateStore store = new StateStore(dev.containerv.linux.proc.Proc.HOST, new Leftovers(() -> {
            throw new AssertionError("no helper needed");
        }, dev.containerv.linux.proc.Proc.HOST), null);
        Path state = tmp.resolve("state");
        assertThatThrownBy(() -> store.claim("test", "c1", state, layers, new StatePaths(state.resolve("c1"), layers.resolve("c1"))))
                .isInstanceOfSatisfying(dev.containerv.api.ContainerException.class,
                        e -> assertThat(e.kind()).isEqualTo(dev.containerv.api.ErrorKind.PERMISSION_DENIED))
                .hasMessageContaining("layer root").hasMessageContaining("belongs to uid 65534");
        assertThat(state.resolve("c1")).doesNotExist();
    }
}
