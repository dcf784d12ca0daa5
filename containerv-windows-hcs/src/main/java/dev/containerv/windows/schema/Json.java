package dev.containerv.windows.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one mapper for HCS and HCN documents. Writing keeps declaration order (so golden files are stable);
 * reading tolerates unknown keys, because HCS adds fields from release to release.
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();
    private static final ObjectMapper PRETTY = MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    /** The document as compact JSON. */
    public static String write(Object document) {
        try {
            return MAPPER.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write HCS document " + document.getClass().getSimpleName(), e);
        }
    }

    /** The document as indented JSON, for people. */
    public static String writePretty(Object document) {
        try {
            return PRETTY.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write HCS document " + document.getClass().getSimpleName(), e);
        }
    }

    /**
     * Reads a document.
     *
     * @throws IllegalArgumentException if the text is not JSON of that shape, naming the type and the text
     */
    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a valid " + type.getSimpleName() + " document: " + abbreviate(json), e);
        }
    }

    /** Reads a JSON array of documents. */
    public static <T> java.util.List<T> readList(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, MAPPER.getTypeFactory().constructCollectionType(java.util.List.class, type));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a valid array of " + type.getSimpleName() + " documents: " + abbreviate(json), e);
        }
    }

    /** The shared mapper, for tree reads. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
