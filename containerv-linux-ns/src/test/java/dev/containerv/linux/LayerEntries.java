package dev.containerv.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a layer root holds of one container, found by listing the root, not from the layout's own list (a tree the
 * layout forgot to name is still found): every entry named the id, or the id followed by a character no id has
 * ({@code <id>}, {@code <id>+upper}, {@code <id>+work}, and whatever a later layout adds).
 */
public final class LayerEntries {
    private LayerEntries() {
    }

    /** The entries of container {@code id} in {@code layerRoot}, sorted; empty when the root does not exist. */
    public static List<String> of(Path layerRoot, String id) throws IOException {
        try (Stream<Path> all = Files.list(layerRoot)) {
            return all.map(p -> p.getFileName().toString()).filter(n -> belongsTo(n, id)).sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    private static boolean belongsTo(String name, String id) {
        if (!name.startsWith(id)) {
            return false;
        }
        if (name.length() == id.length()) {
            return true;
        }
        char next = name.charAt(id.length());
        return !(Character.isLetterOrDigit(next) && next < 128 || next == '_' || next == '.' || next == '-');
    }
}
