package dev.containerv.api;

import java.util.Objects;
import java.util.Optional;

/**
 * The one exception type of containerv. It is unchecked and carries an {@link ErrorKind}, and where
 * known the operation ({@code linux::Container::create}), the container id and the platform's own
 * code in words ({@code errno EBUSY}, {@code HRESULT 0x80370110 HCS_E_SYSTEM_ALREADY_STOPPED}).
 *
 * <p>The message is complete on its own: it names what was attempted, on what, and why it failed.
 * Use the {@code is...} predicates rather than matching on text.
 */
public final class ContainerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final String operation;
    private final String containerId;
    private final String platformCode;
    /** Not serialized: an exec's output belongs to the run that saw it. */
    private final transient PartialExecResult partialResult;

    private ContainerException(Builder b) {
        super(compose(b), b.cause);
        this.kind = b.kind;
        this.operation = b.operation;
        this.containerId = b.containerId;
        this.platformCode = b.platformCode;
        this.partialResult = b.partialResult;
    }

    /** A plain exception of the given kind with a complete message. */
    public ContainerException(ErrorKind kind, String message) {
        this(builder(kind, message));
    }

    /** A plain exception of the given kind with a complete message and its cause. */
    public ContainerException(ErrorKind kind, String message, Throwable cause) {
        this(builder(kind, message).cause(cause));
    }

    /**
     * Starts an exception with context.
     *
     * @param kind    what kind of failure
     * @param message what went wrong, in words a user can act on
     */
    public static Builder builder(ErrorKind kind, String message) {
        return new Builder(kind, message);
    }

    /** Shortcut for an {@link ErrorKind#INVALID_SPEC} that names the field, value and what is accepted. */
    public static ContainerException invalidSpec(String field, Object value, String accepted) {
        return new ContainerException(ErrorKind.INVALID_SPEC,
                field + ": invalid value " + quote(value) + "; accepted: " + accepted);
    }

    private static String quote(Object value) {
        if (value == null) {
            return "null";
        }
        String s = String.valueOf(value).replace("\0", "\\0");
        return "'" + s + "'";
    }

    private static String compose(Builder b) {
        StringBuilder sb = new StringBuilder();
        if (b.operation != null) {
            sb.append(b.operation).append(": ");
        }
        if (b.containerId != null) {
            sb.append("container '").append(b.containerId).append("': ");
        }
        sb.append(b.message);
        if (b.platformCode != null) {
            sb.append(" (").append(b.platformCode).append(')');
        }
        return sb.toString();
    }

    /** The kind of failure. */
    public ErrorKind kind() {
        return kind;
    }

    /** The operation that failed, such as {@code linux::Container::spawn}. */
    public Optional<String> operation() {
        return Optional.ofNullable(operation);
    }

    /** The container the failure concerns. */
    public Optional<String> containerId() {
        return Optional.ofNullable(containerId);
    }

    /** The platform's code in words, such as {@code errno ENOENT} or {@code HRESULT 0x80370118 HCS_E_OPERATION_TIMEOUT}. */
    public Optional<String> platformCode() {
        return Optional.ofNullable(platformCode);
    }

    /**
     * For a {@link ErrorKind#TIMEOUT} of an exec: the exit code if the process had exited, and the output captured
     * until the deadline (bounded); empty for every other failure.
     */
    public Optional<PartialExecResult> partialResult() {
        return Optional.ofNullable(partialResult);
    }

    /** {@code true} for {@link ErrorKind#NOT_FOUND}. */
    public boolean isNotFound() {
        return kind == ErrorKind.NOT_FOUND;
    }

    /** {@code true} for {@link ErrorKind#ALREADY_EXISTS}. */
    public boolean isAlreadyExists() {
        return kind == ErrorKind.ALREADY_EXISTS;
    }

    /** {@code true} for {@link ErrorKind#NOT_SUPPORTED}. */
    public boolean isNotSupported() {
        return kind == ErrorKind.NOT_SUPPORTED;
    }

    /** {@code true} for {@link ErrorKind#INVALID_SPEC}. */
    public boolean isInvalidSpec() {
        return kind == ErrorKind.INVALID_SPEC;
    }

    /** {@code true} for {@link ErrorKind#TIMEOUT}. */
    public boolean isTimeout() {
        return kind == ErrorKind.TIMEOUT;
    }

    /** Builds a {@link ContainerException} with context. Not thread-safe. */
    public static final class Builder {
        private final ErrorKind kind;
        private final String message;
        private String operation;
        private String containerId;
        private String platformCode;
        private Throwable cause;
        private PartialExecResult partialResult;

        private Builder(ErrorKind kind, String message) {
            this.kind = Objects.requireNonNull(kind, "kind");
            this.message = Objects.requireNonNull(message, "message");
        }

        /** The operation, such as {@code linux::Container::create}. */
        public Builder operation(String operation) {
            this.operation = operation;
            return this;
        }

        /** The container id. */
        public Builder containerId(String containerId) {
            this.containerId = containerId;
            return this;
        }

        /** The platform code in words, such as {@code errno EBUSY}. */
        public Builder platformCode(String platformCode) {
            this.platformCode = platformCode;
            return this;
        }

        /** The underlying cause. */
        public Builder cause(Throwable cause) {
            this.cause = cause;
            return this;
        }

        /** What an exec that timed out had produced. */
        public Builder partialResult(PartialExecResult partialResult) {
            this.partialResult = partialResult;
            return this;
        }

        /** The exception. */
        public ContainerException build() {
            return new ContainerException(this);
        }
    }
}
