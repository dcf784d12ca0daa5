package dev.containerv.api;

import dev.containerv.internal.Checks;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What every process of a container gets unless its {@link ProcessSpec} says otherwise: environment variables, a
 * working directory and a user. Given with {@link ContainerSpec.Builder#processDefaults(ProcessDefaults)}; every
 * provider applies them ({@link #applyTo(ProcessSpec)}) to each spawn and exec. Immutable.
 *
 * <pre>{@code
 * ContainerSpec.builder().rootfs(root)
 *         .processDefaults(ProcessDefaults.builder()
 *                 .inheritHostVariables("JAVA_HOME", "MAVEN_OPTS")   // only these, from this JVM's environment
 *                 .environment("CI", "true")
 *                 .workingDirectory("/src")
 *                 .user("1000:1000")
 *                 .build())
 *         .build();
 * }</pre>
 *
 * <p>The rules: a process's own {@link ProcessSpec#environment()} variables win over these, which win over the
 * provider's default environment; a process built with {@code defaultEnvironment(false)} gets neither (exactly its own
 * variables). A process's own working directory and user win over these. No host variable is passed unless named.
 *
 * <p>They belong to the spec a container was created from: a container joined by id with
 * {@link ContainerRuntime#open(String)} has a spec as far as the provider recorded it, and the defaults (whose
 * variables may hold secrets) are not recorded, so processes spawned through such a handle do not get them.
 */
public final class ProcessDefaults {
    private static final ProcessDefaults NONE = builder().build();

    private final Map<String, String> environment;
    private final String workingDirectory;
    private final String user;

    private ProcessDefaults(Builder b) {
        this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(b.environment));
        this.workingDirectory = b.workingDirectory;
        this.user = b.user;
    }

    /** No defaults: processes get only what their own spec and the provider give them. */
    public static ProcessDefaults none() {
        return NONE;
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** The variables every process gets (host variables named with {@link Builder#inheritHostVariables} included). */
    public Map<String, String> environment() {
        return environment;
    }

    /** The working directory of a process that names none. */
    public Optional<String> workingDirectory() {
        return Optional.ofNullable(workingDirectory);
    }

    /** The user of a process that names none. */
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** {@code true} when nothing is set. */
    public boolean isEmpty() {
        return environment.isEmpty() && workingDirectory == null && user == null;
    }

    /**
     * The process as it runs in a container with these defaults: its environment over these variables (unless it
     * starts from an empty environment), their working directory and user where it names none. Redirects and line
     * consumers are kept.
     */
    public ProcessSpec applyTo(ProcessSpec process) {
        Checks.notNull("process", process, "a ProcessSpec");
        if (isEmpty()) {
            return process;
        }
        ProcessSpec.Builder b = process.toBuilder();
        if (process.defaultEnvironment()) {
            Map<String, String> merged = new LinkedHashMap<>(environment);
            merged.putAll(process.environment());
            b.replaceEnvironment(merged);
        }
        if (process.workingDirectory().isEmpty() && workingDirectory != null) {
            b.workingDirectory(workingDirectory);
        }
        if (process.user().isEmpty() && user != null) {
            b.user(user);
        }
        return b.build();
    }

    @Override
    public String toString() {
        // Values are not shown: an inherited variable may hold a secret.
        return "ProcessDefaults[environment=" + environment.keySet() + (workingDirectory != null ? ", workingDirectory=" + workingDirectory : "")
                + (user != null ? ", user=" + user : "") + "]";
    }

    /** Builds {@link ProcessDefaults}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, String> environment = new LinkedHashMap<>();
        private String workingDirectory;
        private String user;

        private Builder() {
        }

        /** Adds variables (later values win); names may not contain '=' or NUL, values no NUL. */
        public Builder environment(Map<String, String> variables) {
            Checks.notNull("processDefaults.environment", variables, "a map of variable names to values");
            variables.forEach(this::environment);
            return this;
        }

        /** Adds one variable. */
        public Builder environment(String name, String value) {
            Checks.envVariable("processDefaults.environment", name, value);
            environment.put(name, value);
            return this;
        }

        /**
         * Adds the named variables of this JVM's environment ({@link System#getenv(String)}, read now); a name the
         * host does not have is skipped. Nothing of the host's environment is passed unless named here.
         */
        public Builder inheritHostVariables(String... names) {
            for (String name : Checks.elements("processDefaults.inheritHostVariables", "names of host environment variables", names)) {
                Checks.envName("processDefaults.inheritHostVariables", name);
                String value = System.getenv(name);
                if (value != null) {
                    environment(name, value);
                }
            }
            return this;
        }

        /** The working directory of processes that name none, an absolute container path. */
        public Builder workingDirectory(String directory) {
            this.workingDirectory = ContainerPaths.check("processDefaults.workingDirectory", directory);
            return this;
        }

        /** The user of processes that name none, as {@link ProcessSpec.Builder#user(String)} accepts it. */
        public Builder user(String user) {
            this.user = ProcessSpec.checkUser("processDefaults.user", user);
            return this;
        }

        /** Builds the defaults. */
        public ProcessDefaults build() {
            return new ProcessDefaults(this);
        }
    }
}
