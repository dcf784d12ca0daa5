package dev.containerv.images;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an image's configuration says about running it: the {@code config} object of an OCI image configuration
 * (Docker's {@code ContainerConfig} has the same fields).
 *
 * @param env        {@code NAME=value} entries, in the image's order
 * @param entrypoint the entrypoint, empty when the image has none
 * @param cmd        the default arguments (or command, without an entrypoint), empty when none
 * @param workingDir the working directory, empty when the image names none
 * @param user       the user (name, uid, or {@code uid:gid}), empty when the image names none
 */
public record ImageConfig(List<String> env, List<String> entrypoint, List<String> cmd, String workingDir,
                          String user) {

    /** Copies the lists; {@code null} fields become empty. */
    public ImageConfig {
        env = env == null ? List.of() : List.copyOf(env);
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        workingDir = Objects.requireNonNullElse(workingDir, "");
        user = Objects.requireNonNullElse(user, "");
    }

    /**
     * The image's default command: its entrypoint followed by its cmd, as {@code docker run IMAGE} runs it.
     *
     * @return the command line, empty when the image defines neither
     */
    public List<String> defaultCommand() {
        return command(List.of());
    }

    /**
     * The command line for running the image with some arguments: given arguments replace {@code Cmd} and
     * follow the {@code Entrypoint}, as {@code docker run IMAGE ARGS...} does.
     *
     * @param args the arguments; empty means the image's {@code Cmd}
     * @return the command line
     */
    public List<String> command(List<String> args) {
        List<String> tail = args.isEmpty() ? cmd : args;
        if (entrypoint.isEmpty()) {
            return List.copyOf(tail);
        }
        var line = new java.util.ArrayList<>(entrypoint);
        line.addAll(tail);
        return List.copyOf(line);
    }

    /** @return the environment as an ordered map (a later entry for a name wins) */
    public Map<String, String> envMap() {
        Map<String, String> map = new LinkedHashMap<>();
        for (String e : env) {
            int eq = e.indexOf('=');
            if (eq > 0) {
                map.put(e.substring(0, eq), e.substring(eq + 1));
            }
        }
        return map;
    }

    /** @return the working directory, if the image names one */
    public Optional<String> workingDirectory() {
        return workingDir.isEmpty() ? Optional.empty() : Optional.of(workingDir);
    }
}
