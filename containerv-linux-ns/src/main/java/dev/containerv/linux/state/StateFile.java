package dev.containerv.linux.state;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.containerv.api.Access;
import dev.containerv.api.Capability;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.Layer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;

/**
 * {@code <state-dir>/state.json}: what another process needs to judge and join a container (the init's pid and start
 * time) and informational fields. Written in two phases: {@code creating} (once the supervisor has its plan, naming
 * the creating process and the supervisor, so a crash mid-create is recognisable as stale; straight into place, the
 * directory being new) and {@code running} (after {@code ready}, with the init's pid and start time; atomically, a
 * temporary file then a rename).
 *
 * @param version          format version, 1
 * @param id               container id
 * @param phase            {@code creating} or {@code running}
 * @param creatorPid       pid of the process that created it
 * @param creatorStartTime that process's start time (ticks), so a reused pid does not look alive
 * @param supervisorPid    the helper's supervisor pid, 0 until started
 * @param initPid          the container's PID 1 as seen on the host, 0 until ready
 * @param initStartTime    its start time in clock ticks since boot
 * @param createdAt        ISO-8601 instant
 * @param persistent       whether it outlives its creator
 * @param hostname         its host name
 * @param rootfs           base root file system
 * @param capabilities     capability names
 * @param layers           further layers
 * @param stopGraceMs      grace between TERM and KILL
 *
 * <p>No path to act on is recorded: the state and layer directories, the control socket and the helper are
 * derived from the id and the configured roots ({@link StatePaths}), so a forged file can neither name a program
 * to run nor a directory to delete. Fields of older files (such as {@code helper}) are ignored.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StateFile(int version, String id, String phase, long creatorPid, long creatorStartTime, long supervisorPid,
                        long initPid, long initStartTime, String createdAt, boolean persistent, String hostname, String rootfs,
                        List<String> capabilities, List<LayerRecord> layers, long stopGraceMs) {
    public static final String FILE = "state.json";
    public static final String CREATING = "creating";
    public static final String RUNNING = "running";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One layer of the spec. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LayerRecord(String kind, String source, String containerPath, String access, Long sizeBytes) {
    }

    public StateFile withSupervisor(long pid) {
        return new StateFile(version, id, phase, creatorPid, creatorStartTime, pid, initPid, initStartTime, createdAt, persistent,
                hostname, rootfs, capabilities, layers, stopGraceMs);
    }

    public StateFile running(long supervisor, long init, long initStart) {
        return new StateFile(version, id, RUNNING, creatorPid, creatorStartTime, supervisor, init, initStart, createdAt, persistent,
                hostname, rootfs, capabilities, layers, stopGraceMs);
    }

    /** The spec this state describes, as far as it is recorded (for a container joined by id). */
    @JsonIgnore
    public ContainerSpec spec() {
        ContainerSpec.Builder b = ContainerSpec.builder().id(id).rootfs(Path.of(rootfs)).hostname(hostname).persistent(persistent)
                .capabilities(capabilities.stream().map(Capability::valueOf).toArray(Capability[]::new));
        for (LayerRecord l : layers) {
            Access access = Access.valueOf(l.access());
            if (l.kind().equals(Layer.Kind.HOST_DIRECTORY.name())) {
                b.layer(Layer.hostDirectory(Path.of(l.source()), l.containerPath(), access));
            } else if (l.kind().equals(Layer.Kind.TMPFS.name())) {
                b.layer(l.sizeBytes() == null ? Layer.tmpfs(l.containerPath()) : Layer.tmpfs(l.containerPath(), Long.toString(l.sizeBytes())));
            }
        }
        return b.build();
    }

    /** Writes {@code dir/state.json} atomically, mode 0600. */
    public void write(Path dir) throws IOException {
        Path tmp = dir.resolve(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        createWith(tmp, MAPPER.writeValueAsBytes(this));
        try {
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Writes the first {@code dir/state.json} of a state directory just claimed, mode 0600, straight into place: no
     * reader can have seen one, and a reader that sees it half written judges it as a directory without readable state
     * (young, so not stale). Fails if there is one.
     */
    public void writeNew(Path dir) throws IOException {
        createWith(dir.resolve(FILE), MAPPER.writeValueAsBytes(this));
    }

    /** Creates {@code file} (0600, never an existing one) with {@code bytes}, in one open. */
    private static void createWith(Path file, byte[] bytes) throws IOException {
        try (SeekableByteChannel ch = Files.newByteChannel(file, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
    }

    /** Reads {@code dir/state.json}. */
    public static StateFile read(Path dir) throws IOException {
        return MAPPER.readValue(Files.readAllBytes(dir.resolve(FILE)), StateFile.class);
    }
}
