package dev.containerv.cli;

import dev.containerv.api.Access;
import dev.containerv.api.ContainerSpec;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The forms of the option values: {@code --bind HOST:CONTAINER[:ro|rw]}, {@code --tmpfs PATH[:SIZE]},
 * {@code --env NAME[=VALUE]} and the {@code cp} endpoints {@code ID:PATH}. Only the form is checked here (a bad one
 * is a usage error, exit 2); the values themselves are checked by containerv-api when the spec is built (exit 121).
 */
final class Args {
    /** A size as {@link dev.containerv.api.Layer#tmpfs(String, String)} takes it, loosely: containerv-api checks it. */
    private static final Pattern SIZE = Pattern.compile("\\d+\\s*[A-Za-z]{0,3}|max", Pattern.CASE_INSENSITIVE);
    /** A drive-absolute Windows host path, which has a ':' but is no {@code ID:PATH}. */
    private static final Pattern DRIVE = Pattern.compile("[A-Za-z]:[\\\\/].*");

    private Args() {
    }

    /** {@code --bind}: a host path, where it appears in the container, and whether it is writable. */
    record Bind(String hostPath, String containerPath, Access access) {
        /** Parses {@code HOST:CONTAINER[:ro|rw]}; a drive letter ({@code C:\src}) stays part of its path. */
        static Bind parse(String text) {
            List<String> parts = splitColons(text);
            Access access = Access.READ_WRITE;
            if (parts.size() == 3) {
                access = switch (parts.get(2).toLowerCase(Locale.ROOT)) {
                    case "ro" -> Access.READ_ONLY;
                    case "rw" -> Access.READ_WRITE;
                    default -> throw new TypeConversionException("'" + text + "': the mode after the second ':' must be ro or rw, not '"
                            + parts.get(2) + "'");
                };
            } else if (parts.size() != 2) {
                throw new TypeConversionException("'" + text + "': expected HOST:CONTAINER or HOST:CONTAINER:ro|rw, such as /home/me/src:/src:ro");
            }
            if (parts.get(0).isEmpty() || parts.get(1).isEmpty()) {
                throw new TypeConversionException("'" + text + "': both the host path and the container path are needed, as in /home/me/src:/src");
            }
            return new Bind(parts.get(0), parts.get(1), access);
        }
    }

    /** {@code --tmpfs}: a container path and an optional size. */
    record Tmpfs(String containerPath, Optional<String> size) {
        /** Parses {@code PATH[:SIZE]}; {@code C:\tmp} is a path, not a path and a size. */
        static Tmpfs parse(String text) {
            int colon = text.lastIndexOf(':');
            if (colon > 0 && !DRIVE.matcher(text.substring(Math.max(0, colon - 1))).matches()) {
                String size = text.substring(colon + 1);
                if (!SIZE.matcher(size).matches()) {
                    throw new TypeConversionException("'" + text + "': the size after ':' must look like 64M, 1G, 4096 or max, not '" + size + "'");
                }
                return new Tmpfs(text.substring(0, colon), Optional.of(size));
            }
            if (text.isEmpty()) {
                throw new TypeConversionException("a container path is needed, as in /tmp or /tmp:64M");
            }
            return new Tmpfs(text, Optional.empty());
        }
    }

    /** {@code --env}: {@code NAME=VALUE}, or {@code NAME} alone to pass the host's value. */
    record Env(String name, Optional<String> value) {
        static Env parse(String text) {
            int eq = text.indexOf('=');
            String name = eq < 0 ? text : text.substring(0, eq);
            if (name.isEmpty()) {
                throw new TypeConversionException("'" + text + "': expected NAME=VALUE, or NAME to pass the host's value");
            }
            return new Env(name, eq < 0 ? Optional.empty() : Optional.of(text.substring(eq + 1)));
        }
    }

    /** One side of {@code cp}: a container path ({@code ID:PATH}) or a host path. */
    record Endpoint(Optional<String> containerId, String path) {
        boolean inContainer() {
            return containerId.isPresent();
        }

        /**
         * {@code ID:PATH} is a container path. A host path that contains ':' can be written {@code ./a:b} or
         * {@code /abs/a:b}; on a Windows host {@code C:\dir} is a host path.
         */
        static Endpoint parse(String text, boolean windowsHost) {
            if (text.isEmpty()) {
                throw new TypeConversionException("an empty path; expected ID:PATH for a container path or a host path");
            }
            int colon = text.indexOf(':');
            boolean hostForm = colon < 0 || text.startsWith("/") || text.startsWith("./") || text.startsWith("../")
                    || (windowsHost && DRIVE.matcher(text).matches());
            if (hostForm) {
                return new Endpoint(Optional.empty(), text);
            }
            String id = text.substring(0, colon);
            String path = text.substring(colon + 1);
            if (!ContainerSpec.isValidId(id)) {
                throw new TypeConversionException("'" + text + "': '" + id + "' before ':' is not a container id (1 to 64 of A-Z a-z 0-9 _ . -,"
                        + " starting with a letter or digit); write a host path that contains ':' as ./" + text);
            }
            if (path.isEmpty()) {
                throw new TypeConversionException("'" + text + "': a container path is needed after ':', as in " + id + ":/tmp/file");
            }
            return new Endpoint(Optional.of(id), path);
        }
    }

    /** Splits at ':' but keeps a drive letter with its path ({@code C:\src:/src} is two parts). */
    private static List<String> splitColons(String text) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == ':') {
                boolean driveLetter = i - start == 1 && Character.isLetter(text.charAt(start))
                        && i + 1 < text.length() && (text.charAt(i + 1) == '\\' || text.charAt(i + 1) == '/');
                if (!driveLetter) {
                    parts.add(text.substring(start, i));
                    start = i + 1;
                }
            }
        }
        parts.add(text.substring(start));
        return parts;
    }

    /** Picocli converter for {@code --bind}. */
    static final class BindConverter implements ITypeConverter<Bind> {
        @Override
        public Bind convert(String value) {
            return Bind.parse(value);
        }
    }

    /** Picocli converter for {@code --tmpfs}. */
    static final class TmpfsConverter implements ITypeConverter<Tmpfs> {
        @Override
        public Tmpfs convert(String value) {
            return Tmpfs.parse(value);
        }
    }

    /** Picocli converter for {@code --env}. */
    static final class EnvConverter implements ITypeConverter<Env> {
        @Override
        public Env convert(String value) {
            return Env.parse(value);
        }
    }

    /** A time span: a whole number with an optional unit {@code ms}, {@code s} (the default, as for timeout(1)), {@code m} or {@code h}. */
    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new TypeConversionException("'" + text + "' is not a duration: give a whole number of seconds, or one with a unit: 500ms, 30s, 5m, 1h");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2).toLowerCase(Locale.ROOT);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|)", Pattern.CASE_INSENSITIVE);

    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return duration(value);
        }
    }
}
