package dev.containerv.linux.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateFileTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsAtomicallyWithOwnerOnlyMode() throws IOException {
        StateFile s = new StateFile(1, "c1", StateFile.CREATING, 10, 20, 0, 0, 0, "2026-01-01T00:00:00Z", false, "c1", "/img",
                List.of("FILESYSTEM", "PROCESS_CONTROL"), List.of(new StateFile.LayerRecord("TMPFS", null, "/tmp", "READ_WRITE", 1024L)), 10000);
        s.write(dir);
        StateFile running = StateFile.read(dir).running(11, 12, 13);
        running.write(dir);
        assertThat(StateFile.read(dir)).isEqualTo(running);
        assertThat(running.phase()).isEqualTo(StateFile.RUNNING);
        assertThat(running.initPid()).isEqualTo(12);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state.json")))).isEqualTo("rw-------");
        assertThat(dir.resolve("state.json.tmp")).doesNotExist();
    }

    @Test
    void theFirstStateGoesStraightIntoPlaceOwnerOnlyAndNeverOverAnother() throws IOException {
        StateFile s = new StateFile(1, "c1", StateFile.CREATING, 10, 20, 30, 0, 0, "2026-01-01T00:00:00Z", false, "c1", "/img",
                List.of("FILESYSTEM"), List.of(), 10000);
        s.writeNew(dir);
        assertThat(StateFile.read(dir)).isEqualTo(s);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state.json")))).isEqualTo("rw-------");
        assertThatThrownBy(() -> s.writeNew(dir)).isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        assertThat(dir.resolve("state.json.tmp")).doesNotExist();
    }

    @Test
    void unknownFieldsOfLaterVersionsAreIgnored() throws IOException {
        Files.writeString(dir.resolve("state.json"), "{\"version\":2,\"id\":\"x\",\"phase\":\"running\",\"cgroup\":\"/sys/fs/cgroup/x\"}");
        assertThat(StateFile.read(dir).id()).isEqualTo("x");
    }
}
