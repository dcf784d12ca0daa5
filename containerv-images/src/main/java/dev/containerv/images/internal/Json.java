package dev.containerv.images.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A read-only JSON tree read and written with jackson-core's streaming parser and generator. Manifests, configs,
 * tokens and the store's records are small documents read once; jackson-databind's tree would do the same but
 * costs a fresh JVM about a quarter of a second of class loading and set-up before the first byte of a pull
 * (measured with compare-pull.sh). Lookups never fail: a missing member is {@link #MISSING}, as in databind.
 */
public final class Json implements Iterable<Json> {
    /** What {@link #path} gives for a member that is not there. */
    public static final Json MISSING = new Json(Kind.MISSING, null);
    private static final Json NULL = new Json(Kind.NULL, null);
    private static final JsonFactory FACTORY = new JsonFactory();

    private enum Kind { MISSING, NULL, OBJECT, ARRAY, STRING, NUMBER, BOOLEAN }

    private final Kind kind;
    private final Object value;

    private Json(Kind kind, Object value) {
        this.kind = kind;
        this.value = value;
    }

    /**
     * @param bytes a JSON document
     * @return its tree
     * @throws IOException when it is not one JSON value (trailing content included)
     */
    public static Json parse(byte[] bytes) throws IOException {
        try (JsonParser p = FACTORY.createParser(bytes)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new IOException("no JSON value");
            }
            Json root = read(p, t);
            if (p.nextToken() != null) {
                throw new IOException("content after the JSON value at " + p.currentLocation());
            }
            return root;
        }
    }

    private static Json read(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT: {
                Map<String, Json> members = new LinkedHashMap<>();
                String name;
                while ((name = p.nextFieldName()) != null) {
                    members.put(name, read(p, p.nextToken()));
                }
                return new Json(Kind.OBJECT, Collections.unmodifiableMap(members));
            }
            case START_ARRAY: {
                List<Json> items = new ArrayList<>();
                JsonToken next;
                while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
                    items.add(read(p, next));
                }
                return new Json(Kind.ARRAY, Collections.unmodifiableList(items));
            }
            case VALUE_STRING:
                return new Json(Kind.STRING, p.getText());
            case VALUE_NUMBER_INT:
                return new Json(Kind.NUMBER, p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? p.getBigIntegerValue() : (Object) p.getLongValue());
            case VALUE_NUMBER_FLOAT:
                return new Json(Kind.NUMBER, p.getDecimalValue());
            case VALUE_TRUE:
                return new Json(Kind.BOOLEAN, Boolean.TRUE);
            case VALUE_FALSE:
                return new Json(Kind.BOOLEAN, Boolean.FALSE);
            case VALUE_NULL:
                return NULL;
            default:
                throw new IOException("unexpected " + t + " at " + p.currentLocation());
        }
    }

    /** @return a text value */
    public static Json text(String s) {
        return new Json(Kind.STRING, s);
    }

    /** @return an array of these values */
    public static Json array(List<Json> items) {
        return new Json(Kind.ARRAY, List.copyOf(items));
    }

    /** @return an object of these members, in this order */
    public static Json object(Map<String, Json> members) {
        return new Json(Kind.OBJECT, Collections.unmodifiableMap(new LinkedHashMap<>(members)));
    }

    /** @return the member {@code name} of an object; {@link #MISSING} when absent or when this is no object */
    @SuppressWarnings("unchecked")
    public Json path(String name) {
        return kind == Kind.OBJECT ? ((Map<String, Json>) value).getOrDefault(name, MISSING) : MISSING;
    }

    /** @return element {@code i} of an array; {@link #MISSING} when out of range or when this is no array */
    @SuppressWarnings("unchecked")
    public Json get(int i) {
        return kind == Kind.ARRAY && i >= 0 && i < size() ? ((List<Json>) value).get(i) : MISSING;
    }

    /** @return true when this object has a member {@code name} */
    public boolean has(String name) {
        return path(name) != MISSING;
    }

    /** @return the number of elements or members; 0 for anything else */
    public int size() {
        return kind == Kind.ARRAY ? ((List<?>) value).size() : kind == Kind.OBJECT ? ((Map<?, ?>) value).size() : 0;
    }

    /** The elements of an array, or the member values of an object; nothing for anything else. */
    @Override
    @SuppressWarnings("unchecked")
    public Iterator<Json> iterator() {
        if (kind == Kind.ARRAY) {
            return ((List<Json>) value).iterator();
        }
        if (kind == Kind.OBJECT) {
            return ((Map<String, Json>) value).values().iterator();
        }
        return Collections.emptyIterator();
    }

    /** @return true for an object */
    public boolean isObject() {
        return kind == Kind.OBJECT;
    }

    /** @return true for an array */
    public boolean isArray() {
        return kind == Kind.ARRAY;
    }

    /** @return true for a string */
    public boolean isTextual() {
        return kind == Kind.STRING;
    }

    /** @return true for a member or element that is not there */
    public boolean isMissingNode() {
        return kind == Kind.MISSING;
    }

    /** @return a string's text, a number's or boolean's literal; "" for anything else */
    public String asText() {
        return switch (kind) {
            case STRING -> (String) value;
            case NUMBER -> value instanceof BigDecimal d ? d.toString() : value.toString();
            case BOOLEAN -> value.toString();
            case NULL -> "null";
            default -> "";
        };
    }

    /** @return {@link #asText()}, or {@code fallback} for a missing member or a JSON null */
    public String asText(String fallback) {
        return kind == Kind.MISSING || kind == Kind.NULL ? fallback : asText();
    }

    /** @return true for a number without a fraction that fits a long */
    public boolean canConvertToLong() {
        if (kind != Kind.NUMBER) {
            return false;
        }
        if (value instanceof Long) {
            return true;
        }
        try {
            (value instanceof BigInteger i ? new BigDecimal(i) : (BigDecimal) value).longValueExact();
            return true;
        } catch (ArithmeticException e) {
            return false;
        }
    }

    /** @return a number as a long (a fraction cut off); a string's number; 0 for anything else */
    public long asLong() {
        if (kind == Kind.NUMBER) {
            return ((Number) value).longValue();
        }
        if (kind == Kind.STRING) {
            try {
                return Long.parseLong(((String) value).strip());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    /**
     * @param pretty true to indent
     * @return this tree as UTF-8 JSON (a missing node is written as null)
     */
    public byte[] toBytes(boolean pretty) {
        var out = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            if (pretty) {
                g.useDefaultPrettyPrinter();
            }
            write(g);
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory", e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private void write(JsonGenerator g) throws IOException {
        switch (kind) {
            case OBJECT -> {
                g.writeStartObject();
                for (var e : ((Map<String, Json>) value).entrySet()) {
                    g.writeFieldName(e.getKey());
                    e.getValue().write(g);
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (Json item : (List<Json>) value) {
                    item.write(g);
                }
                g.writeEndArray();
            }
            case STRING -> g.writeString((String) value);
            case NUMBER -> {
                if (value instanceof Long l) {
                    g.writeNumber(l);
                } else if (value instanceof BigInteger i) {
                    g.writeNumber(i);
                } else {
                    g.writeNumber((BigDecimal) value);
                }
            }
            case BOOLEAN -> g.writeBoolean((Boolean) value);
            default -> g.writeNull();
        }
    }

    @Override
    public String toString() {
        return new String(toBytes(false), java.nio.charset.StandardCharsets.UTF_8);
    }
}
