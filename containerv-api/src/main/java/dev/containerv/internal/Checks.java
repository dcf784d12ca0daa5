package dev.containerv.internal;

import dev.containerv.api.ContainerException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/** Shared validation of single values; every failure names the field, the value and what is accepted. */
public final class Checks {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern HOSTNAME =
            Pattern.compile("(?=.{1,64}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern ENV_NAME = Pattern.compile("[^=\\x00]+");

    private Checks() {
    }

    /** Rejects null with INVALID_SPEC naming the field and what is accepted; returns the value. */
    public static <T> T notNull(String field, T value, String accepted) {
        if (value == null) {
            throw ContainerException.invalidSpec(field, null, accepted);
        }
        return value;
    }

    /**
     * Rejects a null array and a null element ({@code field[i]}) with INVALID_SPEC; returns the elements as a list.
     */
    @SafeVarargs
    public static <T> List<T> elements(String field, String accepted, T... values) {
        notNull(field, values, accepted);
        List<T> list = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            list.add(notNull(field + "[" + i + "]", values[i], accepted));
        }
        return list;
    }

    /** Like {@link #elements(String, String, Object[])} for a collection. */
    public static <T> List<T> elements(String field, String accepted, Collection<? extends T> values) {
        notNull(field, values, accepted);
        List<T> list = new ArrayList<>(values.size());
        int i = 0;
        for (T v : values) {
            list.add(notNull(field + "[" + i++ + "]", v, accepted));
        }
        return list;
    }

    /** Rejects null and any NUL character; returns the value. */
    public static String text(String field, String value) {
        if (value == null) {
            throw ContainerException.invalidSpec(field, null, "a non-null string");
        }
        if (value.indexOf('\0') >= 0) {
            throw ContainerException.invalidSpec(field, value, "a string without NUL characters");
        }
        return value;
    }

    /** Whether the value is a container id: {@code [A-Za-z0-9][A-Za-z0-9_.-]{0,63}}. */
    public static boolean isId(String value) {
        return value != null && ID.matcher(value).matches();
    }

    /** A container id: {@code [A-Za-z0-9][A-Za-z0-9_.-]{0,63}}, nothing that could become a path. */
    public static String id(String field, String value) {
        text(field, value);
        if (!isId(value)) {
            throw ContainerException.invalidSpec(field, value,
                    "1 to 64 characters from [A-Za-z0-9_.-], starting with a letter or digit");
        }
        return value;
    }

    /** A host name: RFC 1123 labels, at most 64 characters in all. */
    public static String hostname(String field, String value) {
        text(field, value);
        if (!HOSTNAME.matcher(value).matches()) {
            throw ContainerException.invalidSpec(field, value,
                    "1 to 64 characters of dot-separated labels from [A-Za-z0-9-], no label starting or ending with '-'");
        }
        return value;
    }

    /** An environment variable name: non-empty, without '=' or NUL. */
    public static String envName(String field, String name) {
        if (name == null || !ENV_NAME.matcher(name).matches()) {
            throw ContainerException.invalidSpec(field, name, "a non-empty name without '=' or NUL");
        }
        return name;
    }

    /**
     * One environment variable of {@code field} (a map): its name as {@link #envName} accepts it (the map is named
     * in a failure), its value non-null without NUL (named {@code field[name]}).
     */
    public static void envVariable(String field, String name, String value) {
        envName(field, name);
        text(field + "[" + name + "]", value);
    }

    /** An int within [min, max]. */
    public static int range(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw ContainerException.invalidSpec(field, value, "an integer from " + min + " to " + max);
        }
        return value;
    }
}
