package dev.containerv.windows.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.windows.schema.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The parent layers of a windowsfilter container folder, from its {@code layerchain.json}: a JSON array of
 * layer folder paths, nearest parent first, base last. An entry that does not exist as written is looked
 * for relative to the folder and as {@code <folder>\parents\<name>}; each parent's own chain is appended,
 * without duplicates, so the order of the file is kept.
 */
public final class LayerChain {
    /** The file name. */
    public static final String FILE = "layerchain.json";

    private LayerChain() {
    }

    /**
     * The parent layer paths of {@code containerFolder}, as strings HCS can take.
     *
     * @throws ContainerException {@code NOT_FOUND} if the folder has no layerchain.json, {@code INVALID_SPEC}
     *                            if it is not a JSON array of paths or is empty
     */
    public static List<String> read(Path containerFolder, String operation, String containerId) {
        Path file = containerFolder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "rootfs " + containerFolder
                            + " is not a windowsfilter container folder: it has no " + FILE
                            + " (give the parent layers with WindowsOptions.parentLayers, or point rootfs at a folder that has one)")
                    .operation(operation).containerId(containerId).build();
        }
        List<String> direct = entries(file, operation, containerId);
        if (direct.isEmpty()) {
            throw ContainerException.invalidSpec("rootfs", containerFolder, "a container folder whose " + FILE + " names at least the base layer");
        }
        Set<String> chain = new LinkedHashSet<>();
        for (String entry : direct) {
            String resolved = resolve(containerFolder, entry);
            chain.add(resolved);
        }
        for (String parent : new ArrayList<>(chain)) {
            Path parentFile = asPath(parent);
            if (parentFile != null && Files.isRegularFile(parentFile.resolve(FILE))) {
                for (String entry : entries(parentFile.resolve(FILE), operation, containerId)) {
                    chain.add(resolve(parentFile, entry));
                }
            }
        }
        return List.copyOf(chain);
    }

    private static List<String> entries(Path file, String operation, String containerId) {
        try {
            return Json.mapper().readValue(Files.readString(file), new TypeReference<List<String>>() {
            });
        } catch (IOException e) {
            throw ContainerException.builder(ErrorKind.INVALID_SPEC, file + " is not a JSON array of layer folder paths: " + e.getMessage())
                    .operation(operation).containerId(containerId).cause(e).build();
        }
    }

    private static String resolve(Path folder, String entry) {
        Path p = asPath(entry);
        if (p != null && p.isAbsolute() && Files.isDirectory(p)) {
            return entry;
        }
        String name = HostPaths.fileName(entry);
        for (Path candidate : new Path[] {p == null || p.isAbsolute() ? null : folder.resolve(p), folder.resolve("parents").resolve(name),
                folder.resolveSibling(name)}) {
            if (candidate != null && Files.isDirectory(candidate)) {
                return candidate.toString();
            }
        }
        return entry;
    }

    private static Path asPath(String s) {
        try {
            return Path.of(s);
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
