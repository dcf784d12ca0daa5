package dev.containerv.api;

import dev.containerv.internal.Checks;

import java.lang.ProcessBuilder.Redirect;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
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
 * extended by the container's {@link ProcessDefaults} and then by {@link Builder#environment(Map)}; the working
 * directory and user of the container's {@link ProcessDefaults}, else {@code /} (or {@code C:\}) and root (or the
 * guest's default user); every stream a pipe.
 *
 * <p>Output hooks: {@link Builder#onStdoutLine(Consumer)} and {@link Builder#onStderrLine(Consumer)} hand each line
 * of a stream to a consumer as it arrives, the Testcontainers {@code withLogConsumer} habit:
 * <pre>{@code
 * ProcessSpec.builder("make").onStdoutLine(log::info).onStderrLine(log::warn).build();   // SLF4J
 * }</pre>
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
    private final Consumer<String> stdoutLines;
    private final Consumer<String> stderrLines;

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
        this.stdoutLines = b.stdoutLines;
        this.stderrLines = b.stderrLines;
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
        b.stdoutLines = stdoutLines;
        b.stderrLines = stderrLines;
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

    /** The consumer of standard output's lines ({@link Builder#onStdoutLine(Consumer)}); empty for none. */
    public Optional<Consumer<String>> stdoutLines() {
        return Optional.ofNullable(stdoutLines);
    }

    /** The consumer of standard error's lines ({@link Builder#onStderrLine(Consumer)}); empty for none. */
    public Optional<Consumer<String>> stderrLines() {
        return Optional.ofNullable(stderrLines);
    }

    @Override
    public String toString() {
        return "ProcessSpec" + command + (workingDirectory != null ? " in " + workingDirectory : "") + (user != null ? " as " + user : "");
    }

    /** A user as {@link Builder#user(String)} accepts it, else INVALID_SPEC naming {@code field}. */
    static String checkUser(String field, String user) {
        Checks.text(field, user);
        if (!USER.matcher(user).matches()) {
            throw ContainerException.invalidSpec(field, user,
                    "a numeric uid, uid:gid, a user name (optionally name:group), or a Windows DOMAIN\\user");
        }
        return user;
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
        private Consumer<String> stdoutLines;
        private Consumer<String> stderrLines;

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
            Checks.envVariable("process.environment", name, value);
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
            this.user = checkUser("process.user", user);
            return this;
        }

        /**
         * Replaces the variables given so far (for {@link ProcessDefaults#applyTo}, on every spawn and exec), with
         * variables that were checked when they were given to a builder: they are not checked again.
         */
        Builder replaceEnvironment(Map<String, String> checkedVariables) {
            environment.clear();
            environment.putAll(checkedVariables);
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

        /**
         * Hands each line of standard output (decoded as UTF-8, without its line terminator; a last line without one
         * too) to {@code consumer}, on a library thread, in order, as the process writes it. The stream is read to
         * its end whatever the consumer does, so no volume of output can block the process; a consumer that throws
         * is logged ({@code WARNING}) and gets the following lines still. For {@link Container#spawn spawn} the line
         * consumer is where the output goes, like a redirect: {@link Process#getInputStream()} is then empty, and
         * {@link Process#waitFor()} returns after the last line was handed over. For {@link Container#exec exec}
         * the lines go to the consumer as they come and the {@link ExecResult} has them too. With
         * {@link #redirectErrorStream(boolean)}, standard error's lines come here too. Needs standard output to be a
         * {@link Redirect#PIPE} (the default).
         *
         * <p>In one line: {@code .onStdoutLine(line -> logger.log(System.Logger.Level.INFO, line))}, or with SLF4J
         * {@code .onStdoutLine(log::info)}.
         */
        public Builder onStdoutLine(Consumer<String> consumer) {
            this.stdoutLines = Checks.notNull("process.onStdoutLine", consumer, "a Consumer<String> of lines");
            return this;
        }

        /** Like {@link #onStdoutLine(Consumer)} for standard error, which must be a {@link Redirect#PIPE} and not merged. */
        public Builder onStderrLine(Consumer<String> consumer) {
            this.stderrLines = Checks.notNull("process.onStderrLine", consumer, "a Consumer<String> of lines");
            return this;
        }

        /** Removes both line consumers, for a copy of a spec whose output is to be read another way. */
        public Builder clearLineConsumers() {
            this.stdoutLines = null;
            this.stderrLines = null;
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
            if (stdoutLines != null && stdout.type() != Redirect.Type.PIPE) {
                throw ContainerException.invalidSpec("process.onStdoutLine", stdout,
                        "a line consumer of standard output only while it is a PIPE (it takes the place of a redirect)");
            }
            if (stderrLines != null && (stderr.type() != Redirect.Type.PIPE || redirectErrorStream)) {
                throw ContainerException.invalidSpec("process.onStderrLine", redirectErrorStream ? "redirectErrorStream(true)" : stderr,
                        "a line consumer of standard error only while it is a PIPE and not merged into standard output "
                                + "(merged, its lines go to onStdoutLine)");
            }
            return new ProcessSpec(this);
        }
    }
}
