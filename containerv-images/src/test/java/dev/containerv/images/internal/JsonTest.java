package dev.containerv.images.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {
    private static Json parse(String s) throws IOException {
        return Json.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void membersElementsAndMissingOnes() throws IOException {
        Json n = parse("{\"a\":{\"b\":[\"x\",2,true,null]},\"size\":1234567890123,\"f\":1.5,\"s\":\"\\u00e9\\n\"}");
        assertThat(n.isObject()).isTrue();
        assertThat(n.path("a").path("b").size()).isEqualTo(4);
        assertThat(n.path("a").path("b").get(0).asText()).isEqualTo("x");
        assertThat(n.path("a").path("b").get(1).asText()).isEqualTo("2");
        assertThat(n.path("a").path("b").get(2).asText()).isEqualTo("true");
        assertThat(n.path("a").path("b").get(3).asText("dflt")).isEqualTo("dflt");
        assertThat(n.path("a").path("b").get(9).isMissingNode()).isTrue();
        assertThat(n.path("nope").path("deeper").isMissingNode()).isTrue();
        assertThat(n.path("nope").asText("dflt")).isEqualTo("dflt");
        assertThat(n.path("nope").asText()).isEmpty();
        assertThat(n.path("s").isTextual()).isTrue();
        assertThat(n.path("s").asText()).isEqualTo("é\n");
        assertThat(n.path("size").canConvertToLong()).isTrue();
        assertThat(n.path("size").asLong()).isEqualTo(1234567890123L);
        assertThat(n.path("f").canConvertToLong()).isFalse();
        assertThat(n.path("s").canConvertToLong()).isFalse();
        assertThat(n.has("a")).isTrue();
        assertThat(n.has("zzz")).isFalse();
        List<String> values = new ArrayList<>();
        n.path("a").path("b").forEach(j -> values.add(j.asText()));
        assertThat(values).containsExactly("x", "2", "true", "null");
    }

    @Test
    void hugeIntegersAreNotLongs() throws IOException {
        Json n = parse("{\"n\":123456789012345678901234567890}");
        assertThat(n.path("n").canConvertToLong()).isFalse();
    }

    @Test
    void writingGivesBackTheSameTree() throws IOException {
        String doc = "{\"a\":[1,2.25,\"x\\\"y\",false,null,{}],\"b\":{\"c\":123456789012345678901234567890}}";
        Json n = parse(doc);
        assertThat(new String(n.toBytes(false), StandardCharsets.UTF_8)).isEqualTo(doc);
        assertThat(parse(new String(n.toBytes(true), StandardCharsets.UTF_8)).toString()).isEqualTo(doc);
        var m = new LinkedHashMap<String, Json>();
        m.put("r", Json.text("x"));
        m.put("l", Json.array(List.of(Json.text("1"))));
        m.put("c", n.path("b"));
        assertThat(Json.object(m).toString()).isEqualTo("{\"r\":\"x\",\"l\":[\"1\"],\"c\":{\"c\":123456789012345678901234567890}}");
    }

    @Test
    void malformedDocumentsAreRefused() {
        for (String bad : List.of("", "{", "{\"a\":}", "[1,2", "{} {}", "{\"a\":1} x", "nul")) {
            assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(IOException.class);
        }
    }
}
