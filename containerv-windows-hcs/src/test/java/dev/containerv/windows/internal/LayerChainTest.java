package dev.containerv.windows.internal;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** layerchain.json: parents' chains followed to any depth, duplicates once, cycles refused. */
class LayerChainTest {
    private static final String OP = "windows::Runtime::describe";

    @TempDir
    Path store;

    private Path layer(String name, String... chain) throws IOException {
        Path folder = Files.createDirectories(store.resolve(name));
        if (chain.length > 0) {
            StringBuilder json = new StringBuilder("[");
            for (String entry : chain) {
                json.append(json.length() > 1 ? "," : "").append('"').append(entry.replace("\\", "\\\\")).append('"');
            }
            Files.writeString(folder.resolve(LayerChain.FILE), json.append(']').toString());
        }
        return folder;
    }

    private String at(String name) {
        return store.resolve(name).toString();
    }

    @Test
    void threeLevelsAreFollowedToTheBase() throws IOException {
        layer("base");
        layer("mid", at("base"));
        layer("top", "mid");
        Path container = layer("container", at("top"));
        assertThat(LayerChain.read(container, OP, "c1")).containsExactly(at("top"), at("mid"), at("base"));
    }

    @Test
    void chainsThatEachNameAllTheirAncestorsGiveEachLayerOnce() throws IOException {
        layer("base");
        layer("mid", at("base"));
        layer("top", at("mid"), at("base"));
        Path container = layer("container", at("top"), at("mid"), at("base"));
        assertThat(LayerChain.read(container, OP, "c1")).containsExactly(at("top"), at("mid"), at("base"));
    }

    @Test
    void aCycleIsInvalidSpecNamingTheLayerSeenAgain() throws IOException {
        layer("top", at("mid"));
        layer("mid", at("top"));
        Path container = layer("container", at("top"));
        assertThatThrownBy(() -> LayerChain.read(container, OP, "c1"))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC);
                    assertThat(e.operation()).contains(OP);
                    assertThat(e.getMessage()).contains(store.resolve("mid").resolve(LayerChain.FILE) + " names " + at("top"))
                            .contains("cycle");
                });
        Path self = layer("self", at("self"));
        assertThatThrownBy(() -> LayerChain.read(layer("c2", at("self")), OP, "c2"))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.getMessage()).contains(self.resolve(LayerChain.FILE) + " names " + self));
    }
}
