package dev.containerv.windows.internal;

import dev.containerv.api.ContainerPaths;
import dev.containerv.api.GuestOs;
import dev.containerv.api.ProcessSpec;
import dev.containerv.windows.schema.ProcessParameters;

import java.util.LinkedHashMap;
import java.util.Map;

/** ProcessParameters from a {@link ProcessSpec}, for a Windows guest. */
public final class ProcessDocuments {
    /** The PATH a Windows process gets when the spec's environment has none. */
    public static final String DEFAULT_PATH = "C:\\Windows\\System32;C:\\Windows";

    private ProcessDocuments() {
    }

    /**
     * The parameters: CommandLine quoted by the C runtime rules, WorkingDirectory (default {@code C:\}),
     * Environment, User, all three std pipes (redirects other than PIPE are served by the JVM).
     *
     * @throws dev.containerv.api.ContainerException {@code INVALID_SPEC} for a POSIX working directory
     */
    public static ProcessParameters of(ProcessSpec spec) {
        return of(spec, CommandLines.join(spec.command()));
    }

    /**
     * As {@link #of(ProcessSpec)}, with a CommandLine made by the caller instead of from {@code spec.command()}
     * (a {@link CmdLine}, which follows cmd.exe's rules and not the C runtime's).
     */
    public static ProcessParameters of(ProcessSpec spec, String commandLine) {
        String cwd = spec.workingDirectory().map(d -> ContainerPaths.check("process.workingDirectory", d, GuestOs.WINDOWS)).orElse("C:\\");
        Map<String, String> env = new LinkedHashMap<>();
        if (spec.defaultEnvironment()) {
            env.put("PATH", DEFAULT_PATH);
        }
        env.putAll(spec.environment());
        return new ProcessParameters(null, commandLine, null, spec.user().orElse(null), cwd,
                env.isEmpty() ? null : env, false, true, true, true, null);
    }
}
