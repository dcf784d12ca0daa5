package dev.containerv.api;

import dev.containerv.internal.Checks;

import java.lang.ProcessBuilder.Redirect;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A process to run in a container: like {@link ProcessBuilder}, but immutable and validated.
 *
 * <pre>{@code
 * ProcessSpec.builder("/bin/sh", "-c", "make -j2")
 *         .environment(Map.of("CC", "gcc"))
 *         .workingDirectory("/src")
 *         .user("1000:1000")
 *         .build();
 * }</pre>
 *
 * <p>Defaults: the provider's default environment ({@code PATH}, {@code HOME}, {@code TERM} on Linux)
 * extended by {@link Builder#environment(Map)}; working directory {@code /} (or {@code C:\});
 * user root (or the guest's default user); every stream a pipe.
 */
public final class ProcessSpec {
    private static final Pattern USER = Pattern.compile(
            "(\\d{1,10}(:\\d{1,10})?)|([A-Za-z_][A-Za-z0-9_.-]{0,31}\\$?(:[A-Za-z_][A-Za-z0-9_.-]{0,31})?)|([A-Za-z0-9_. -]+\\\\[A-Za-z0-9_. -]+)|(ContainerUser|ContainerAdministrator)");

    private final List<String> command;
    private final Map<String, String> environment;
    private final boolean defaultEnvironment;
    private final String workingDirectory;
    private final String user;
    private final Redirect stdin;
    private final Redirect stdout;
    private final Redirect stderr;
    private final boolean redirectErrorStream;

    private ProcessSpec(Builder b) {
        this.command = List.copyOf(b.command);
        this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(b.environment));
        this.defaultEnvironment = b.defaultEnvironment;
        this.workingDirectory = b.workingDirectory;
        this.user = b.user;
        this.stdin = b.stdin;
        this.stdout = b.stdout;
        this.stderr = b.stderr;
        this.redirectErrorStream = b.redirectErrorStream;
    }

    /**
     * A process with defaults for everything but the command.
     *
     * @throws ContainerException {@code INVALID_SPEC} for an empty command or a NUL in an argument
     */
    public static ProcessSpec of(String... command) {
        return builder(command).build();
    }

    /** A builder for the command and its arguments; {@code command[0]} is the program. */
    public static Builder builder(String... command) {
        return new Builder(Checks.elements("process.command", "a program and its arguments, none null", command));
    }

    /** A builder for the command and its arguments. */
    public static Builder builder(List<String> command) {
        return new Builder(Checks.elements("process.command", "a program and its arguments, none null", command));
    }

    /** A builder holding this spec's values. */
    public Builder toBuilder() {
        Builder b = new Builder(command);
        b.environment.putAll(environment);
        b.defaultEnvironment = defaultEnvironment;
        b.workingDirectory = workingDirectory;
        b.user = user;
        b.stdin = stdin;
        b.stdout = stdout;
        b.stderr = stderr;
        b.redirectErrorStream = redirectErrorStream;
        return b;
    }

    /** The program and its arguments. */
    public List<String> command() {
        return command;
    }

    /** Variables added to (or, without defaults, making up) the process environment. */
    public Map<String, String> environment() {
        return environment;
    }

    /** {@code true} if the provider's default environment is the base that {@link #environment()} extends. */
    public boolean defaultEnvironment() {
        return defaultEnvironment;
    }

    /** The working directory inside the container; empty means the root. */
    public Optional<String> workingDirectory() {
        return Optional.ofNullable(workingDirectory);
    }

    /** The user: numeric {@code uid} or {@code uid:gid}, or a name from the container's own user database. */
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** Where standard input comes from; {@link Redirect#PIPE} (the process's output stream) by default. */
    public Redirect stdin() {
        return stdin;
    }

    /** Where standard output goes; {@link Redirect#PIPE} (the process's input stream) by default. */
    public Redirect stdout() {
        return stdout;
    }

    /** Where standard error goes; {@link Redirect#PIPE} (the process's error stream) by default. */
    public Redirect stderr() {
        return stderr;
    }

    /** {@code true} if standard error goes where standard output goes. */
    public boolean redirectErrorStream() {
        return redirectErrorStream;
    }

    @Override
    public String toString() {
        return "ProcessSpec" + command + (workingDirectory != null ? " in " + workingDirectory : "") + (user != null ? " as " + user : "");
    }

    /** Builds a {@link ProcessSpec}. Not thread-safe. */
    public static final class Builder {
        private final List<String> command;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private boolean defaultEnvironment = true;
        private String workingDirectory;
        private String user;
        private Redirect stdin = Redirect.PIPE;
        private Redirect stdout = Redirect.PIPE;
        private Redirect stderr = Redirect.PIPE;
        private boolean redirectErrorStream;

        private Builder(List<String> command) {
            this.command = new ArrayList<>(command);
        }

        /** Adds variables (later values win); names may not contain '=' or NUL, values no NUL. */
        public Builder environment(Map<String, String> variables) {
            Checks.notNull("process.environment", variables, "a map of variable names to values");
            variables.forEach(this::environment);
            return this;
        }

        /** Adds one variable. */
        public Builder environment(String name, String value) {
            Checks.envName("process.environment", name);
            Checks.text("process.environment[" + name + "]", value);
            environment.put(name, value);
            return this;
        }

        /** {@code false} to start from an empty environment instead of the provider's defaults. Default {@code true}. */
        public Builder defaultEnvironment(boolean useDefaults) {
            this.defaultEnvironment = useDefaults;
            return this;
        }

        /** The working directory, an absolute container path. Default: the root. */
        public Builder workingDirectory(String directory) {
            this.workingDirectory = ContainerPaths.check("process.workingDirectory", directory);
            return this;
        }

        /** The user: {@code 1000}, {@code 1000:1000}, or a name such as {@code nobody}. Default: root. */
        public Builder user(String user) {
            Checks.text("process.user", user);
            if (!USER.matcher(user).matches()) {
                throw ContainerException.invalidSpec("process.user", user,
                        "a numeric uid, uid:gid, a user name (optionally name:group), or a Windows DOMAIN\\user");
            }
            this.user = user;
            return this;
        }

        /**
         * Where standard input comes from. Default {@link Redirect#PIPE}. {@link Redirect#INHERIT} is the JVM's
         * standard input as Java sees it, {@code System.in}, which the provider reads while the process runs and
         * never closes.
         */
        public Builder redirectInput(Redirect redirect) {
            this.stdin = requireRedirect("process.stdin", redirect, Redirect.Type.READ);
            return this;
        }

        /** Where standard output goes. Default {@link Redirect#PIPE}. */
        public Builder redirectOutput(Redirect redirect) {
            this.stdout = requireRedirect("process.stdout", redirect, Redirect.Type.WRITE);
            return this;
        }

        /** Where standard error goes. Default {@link Redirect#PIPE}. */
        public Builder redirectError(Redirect redirect) {
            this.stderr = requireRedirect("process.stderr", redirect, Redirect.Type.WRITE);
            return this;
        }

        /** Sends standard error where standard output goes. Default {@code false}. */
        public Builder redirectErrorStream(boolean merge) {
            this.redirectErrorStream = merge;
            return this;
        }

        private static Redirect requireRedirect(String field, Redirect redirect, Redirect.Type fileDirection) {
            Checks.notNull(field, redirect, fileDirection == Redirect.Type.READ
                    ? "PIPE, INHERIT or Redirect.from(file)" : "PIPE, INHERIT, DISCARD, Redirect.to(file) or Redirect.appendTo(file)");
            Redirect.Type type = redirect.type();
            boolean ok = type == Redirect.Type.PIPE || type == Redirect.Type.INHERIT
                    || (type == fileDirection) || (fileDirection == Redirect.Type.WRITE && type == Redirect.Type.APPEND);
            if (!ok) {
                throw ContainerException.invalidSpec(field, redirect, fileDirection == Redirect.Type.READ
                        ? "PIPE, INHERIT or Redirect.from(file)" : "PIPE, INHERIT, DISCARD, Redirect.to(file) or Redirect.appendTo(file)");
            }
            return redirect;
        }

        /**
         * @throws ContainerException {@code INVALID_SPEC} for an empty command, an empty program name or a
         *                            NUL in any argument
         */
        public ProcessSpec build() {
            if (command.isEmpty()) {
                throw ContainerException.invalidSpec("process.command", command, "a program and its arguments, at least the program");
            }
            for (int i = 0; i < command.size(); i++) {
                Checks.text("process.command[" + i + "]", command.get(i));
            }
            if (command.get(0).isEmpty()) {
                throw ContainerException.invalidSpec("process.command[0]", "", "a non-empty program name or path");
            }
            return new ProcessSpec(this);
        }
    }
}
