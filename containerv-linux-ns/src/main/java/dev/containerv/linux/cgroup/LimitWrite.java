package dev.containerv.linux.cgroup;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One limit file to write into a container's cgroup directory of one hierarchy.
 *
 * @param setting    the spec field it comes from, for messages ({@code limits.memoryMax})
 * @param controller the controller that owns the file
 * @param version    1 or 2: which kind of hierarchy the file lives in
 * @param choices    the file and value to write; where the kernel spells it in several ways (CFQ's
 *                   {@code blkio.weight} or BFQ's {@code blkio.bfq.weight}) the first whose file exists is written
 * @param required   {@code false} only for a write that follows from another limit and that the host may not
 *                   support (the swap cap where swap is not accounted); a missing required file is
 *                   {@code NOT_SUPPORTED}
 */
public record LimitWrite(String setting, Controller controller, int version, List<Choice> choices, boolean required) {
    /** One spelling of the write: a file name inside the cgroup directory and the text to write. */
    public record Choice(String file, String value) {
        public Choice {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(value, "value");
        }
    }

    public LimitWrite {
        Objects.requireNonNull(setting, "setting");
        Objects.requireNonNull(controller, "controller");
        choices = List.copyOf(choices);
        if (choices.isEmpty()) {
            throw new IllegalArgumentException("a limit write needs at least one file");
        }
    }

    static LimitWrite of(String setting, Controller controller, int version, String file, String value) {
        return new LimitWrite(setting, controller, version, List.of(new Choice(file, value)), true);
    }

    /** The file names, joined with " or " for messages. */
    public String files() {
        return choices.stream().map(Choice::file).collect(Collectors.joining(" or "));
    }

    @Override
    public String toString() {
        return choices.stream().map(c -> c.file() + "=" + c.value()).collect(Collectors.joining(" | ")) + (required ? "" : " (if present)");
    }
}
