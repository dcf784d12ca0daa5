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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parent layers of a windowsfilter container folder, from its {@code layerchain.json}: a JSON array of
 * layer folder paths, nearest parent first, base last. An entry that does not exist as written is looked
 * for relative to the folder and as {@code <folder>\parents\<name>}; each parent's own chain is appended,
 * and followed in turn to any depth, without duplicates, so the order of the file is kept. A layer listed by
 * several chains (each chain naming all its ancestors) counts once; a layer that names itself or a layer it
 * descends from is a cycle.
 */
public final class LayerChain {
    /** The file name. */
    public static final String FILE = "layerchain.json";
    /** The folder of a (base) layer holding the utility VM image. */
    public static final String UTILITY_VM = "UtilityVM";

    private LayerChain() {
    }

    /**
     * The parent layer paths of {@code containerFolder}, as strings HCS can take.
     *
     * @throws ContainerException {@code NOT_FOUND} if the folder has no layerchain.json, {@code INVALID_SPEC}
     *                            if it or a parent's is not a JSON array of paths, if it is empty, or if the
     *                            chains form a cycle (naming the layerchain.json and the layer seen again)
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
        Map<String, String> chain = new LinkedHashMap<>();
        Set<String> done = new HashSet<>();
        List<String> descent = new ArrayList<>(List.of(key(containerFolder.toString())));
        follow(containerFolder, direct, chain, descent, done, operation, containerId);
        return List.copyOf(chain.values());
    }

    /**
     * Appends the layers {@code entries} of {@code folder} names, then follows each one's own chain.
     * {@code descent} holds the keys of the layers from the container folder down to {@code folder}: meeting one
     * of them again is a cycle. {@code done} holds the layers whose chains have been followed already.
     */
    private static void follow(Path folder, List<String> entries, Map<String, String> chain, List<String> descent, Set<String> done,
                               String operation, String containerId) {
        List<String> resolved = new ArrayList<>();
        for (String entry : entries) {
            String layer = resolve(folder, entry);
            if (descent.contains(key(layer))) {
                throw ContainerException.builder(ErrorKind.INVALID_SPEC, folder.resolve(FILE) + " names " + layer
                                + ", which is this layer or one it descends from: the layer chains form a cycle (" + String.join(" -> ", descent)
                                + " -> " + key(layer) + ")")
                        .operation(operation).containerId(containerId).build();
            }
            chain.putIfAbsent(key(layer), layer);
            resolved.add(layer);
        }
        for (String layer : resolved) {
            Path layerFolder = asPath(layer);
            if (layerFolder == null || !done.add(key(layer)) || !Files.isRegularFile(layerFolder.resolve(FILE))) {
                continue;
            }
            descent.add(key(layer));
            follow(layerFolder, entries(layerFolder.resolve(FILE), operation, containerId), chain, descent, done, operation, containerId);
            descent.remove(descent.size() - 1);
        }
    }

    /** What identifies a layer folder: its absolute, normalized path, or the entry as written if it is no path. */
    private static String key(String layer) {
        Path p = asPath(layer);
        return p == null ? layer : p.toAbsolutePath().normalize().toString();
    }

    /**
     * The parents of a container whose spec gives a root of several layers ({@code ContainerSpec.rootfsLayers}, top
     * first): the layers themselves, nearest first, which is the order HCS takes. Each must be a Windows image
     * layer, a folder with {@code Files\}; its own layerchain.json is not followed (the spec lists the whole stack).
     *
     * @param rootLayers   the spec's root layers, top first, more than one
     * @param parentsGiven whether {@code WindowsOptions.parentLayers} names the parents as well
     * @throws ContainerException {@code INVALID_SPEC} when parents are given twice; {@code NOT_SUPPORTED} naming a
     *                            layer that is not a Windows image layer
     */
    public static List<String> ofRootLayers(List<Path> rootLayers, boolean parentsGiven, String operation, String containerId) {
        if (parentsGiven) {
            throw ContainerException.builder(ErrorKind.INVALID_SPEC, "rootfsLayers " + rootLayers + " and windowsOptions.parentLayers both name the"
                    + " container's read-only layers; accepted: one of them").operation(operation).containerId(containerId).build();
        }
        List<String> parents = new ArrayList<>(rootLayers.size());
        for (int i = 0; i < rootLayers.size(); i++) {
            Path layer = rootLayers.get(i);
            if (!Files.isDirectory(layer.resolve("Files"))) {
                throw ContainerException.builder(ErrorKind.NOT_SUPPORTED, "rootfsLayers[" + i + "] " + layer + " is not a Windows image layer"
                        + " (a folder with Files\\): HCS stacks only those as a container's parent layers, so a layer unpacked for Linux"
                        + " overlayfs (whiteout devices, opaque directories) or a plain directory cannot be one of them")
                        .operation(operation).containerId(containerId).build();
            }
            parents.add(layer.toString());
        }
        return parents;
    }

    /**
     * The utility VM image folder of a layer chain for Hyper-V isolation: the first {@code <layer>\UtilityVM},
     * from the base layer (the last of {@code parents}) up, that holds {@code UtilityVM.vhdx} or a {@code Files}
     * folder; empty if no layer has one.
     */
    public static Optional<String> utilityVm(List<String> parents) {
        for (int i = parents.size() - 1; i >= 0; i--) {
            Path layer = asPath(parents.get(i));
            Path uvm = layer == null ? null : layer.resolve(UTILITY_VM);
            if (uvm != null && (Files.isRegularFile(uvm.resolve("UtilityVM.vhdx")) || Files.isDirectory(uvm.resolve("Files")))) {
                return Optional.of(uvm.toString());
            }
        }
        return Optional.empty();
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
