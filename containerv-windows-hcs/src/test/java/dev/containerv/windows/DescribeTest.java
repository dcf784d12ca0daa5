package dev.containerv.windows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.containerv.api.Access;
import dev.containerv.api.Capability;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.Layer;
import dev.containerv.api.NetworkSpec;
import dev.containerv.api.ResourceLimits;
import dev.containerv.windows.internal.LayerIds;
import dev.containerv.windows.schema.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code describe} against golden JSON under src/test/resources/golden. Host paths of the temporary
 * windowsfilter store print as {@code <store>}, so the files are stable. Regenerate a golden file by
 * deleting it and running with {@code -Dgolden.write=true}, then review the diff.
 */
class DescribeTest {
    @TempDir
    static Path tmp;

    private static Path container;

    private static Path container() throws IOException {
        if (container == null) {
            container = SimRuntimes.windowsfilter(tmp);
        }
        return container;
    }

    private static ContainerSpec.Builder base() throws IOException {
        return ContainerSpec.builder().id("golden-1").rootfs(container());
    }

    static Stream<Object[]> specs() {
        return Stream.<Object[]>of(
                new Object[] {"minimal", (Function<ContainerSpec.Builder, ContainerSpec>) b -> b.build()},
                new Object[] {"acceptance", (Function<ContainerSpec.Builder, ContainerSpec>) b -> b
                        .hostname("build-host")
                        .layer(Layer.hostDirectory(Path.of("C:\\src"), "C:\\src", Access.READ_ONLY))
                        .limits(ResourceLimits.builder().cpuPercent(50).memoryMax("1G").build()).build()},
                new Object[] {"cpu-count", (Function<ContainerSpec.Builder, ContainerSpec>) b -> b.limits(ResourceLimits.builder().cpuCount(2).build()).build()},
                new Object[] {"cpu-weight", (Function<ContainerSpec.Builder, ContainerSpec>) b -> b.limits(ResourceLimits.builder().cpuWeight(300).build()).build()},
                new Object[] {"memory-rounding", (Function<ContainerSpec.Builder, ContainerSpec>) b -> b.limits(ResourceLimits.builder().memoryMax("1000000").build()).build()},
                new Object[] {"mapped-rw-and-ro", (Function<ContainerSpec.Builder, ContainerSpec>) b -> b
                        .layer(Layer.hostDirectory(Path.of("D:\\cache"), "C:\\cache", Access.READ_WRITE))
                        .layer(Layer.hostDirectory(Path.of("D:\\tools"), "C:\\tools", Access.READ_ONLY)).build()},
                new Object[] {"persistent", (Function<ContainerSpec.Builder, ContainerSpec>) b -> b.persistent(true).build()},
                new Object[] {"explicit-parents", (Function<ContainerSpec.Builder, ContainerSpec>) b -> b
                        .extension(WindowsOptions.builder().parentLayers(List.of(Path.of("C:\\layers\\1f0c5a2e-0000-4000-8000-000000000001"),
                                Path.of("C:\\layers\\base"))).build()).build()},
                new Object[] {"network-no-namespace-in-describe", (Function<ContainerSpec.Builder, ContainerSpec>) b -> b
                        .capabilities(Capability.FILESYSTEM, Capability.NETWORK)
                        .network(NetworkSpec.builder().containerAddress("10.0.0.2/24").gateway("10.0.0.1").build()).build()},
                new Object[] {"hyperv", (Function<ContainerSpec.Builder, ContainerSpec>) b -> b
                        .layer(Layer.hostDirectory(Path.of("C:\\src"), "C:\\src", Access.READ_ONLY))
                        .extension(WindowsOptions.builder().isolation(Isolation.HYPERV).build()).build()},
                new Object[] {"hyperv-utility-vm", (Function<ContainerSpec.Builder, ContainerSpec>) b -> b
                        .limits(ResourceLimits.builder().memoryMax("2G").cpuCount(4).build())
                        .extension(WindowsOptions.builder().isolation(Isolation.HYPERV).utilityVmPath(Path.of("C:\\uvm")).build()).build()},
                new Object[] {"lcow-utility-vm", (Function<ContainerSpec.Builder, ContainerSpec>) b -> b
                        .extension(WindowsOptions.builder().isolation(Isolation.HYPERV).containerType(ContainerType.LINUX)
                                .lcow(LcowOptions.builder().bundle(Path.of("C:\\lcow")).bootParameters("debug").build()).build()).build()});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void matchesGolden(String name, Function<ContainerSpec.Builder, ContainerSpec> make) throws IOException {
        ContainerSpec spec = make.apply(base());
        String json = name.endsWith("utility-vm") ? WindowsHcsRuntime.describeUtilityVm(spec).orElseThrow() : WindowsHcsRuntime.describe(spec);
        String stable = json.replace(Json.write(tmp.toString()).replace("\"", ""), "<tmp>") + "\n";
        Path golden = Path.of("src/test/resources/golden", name + ".json");
        if (!Files.exists(golden) && Boolean.getBoolean("golden.write")) {
            Files.writeString(golden, stable);
        }
        assertThat(golden).as("golden file (create with -Dgolden.write=true, then review)").exists();
        assertThat(stable).isEqualTo(Files.readString(golden));
    }

    @Test
    void acceptanceDocumentFollowsTheSchemaReference() throws IOException {
        ContainerSpec spec = base().hostname("build-host")
                .layer(Layer.hostDirectory(Path.of("C:\\src"), "C:\\src", Access.READ_ONLY))
                .limits(ResourceLimits.builder().cpuPercent(50).memoryMax("1G").build()).build();
        JsonNode doc = Json.mapper().readTree(WindowsHcsRuntime.describe(spec));
        assertThat(doc.at("/SchemaVersion/Major").asInt()).isEqualTo(2);
        assertThat(doc.at("/SchemaVersion/Minor").asInt()).isEqualTo(1);
        assertThat(doc.at("/Owner").asText()).isEqualTo("containerv");
        assertThat(doc.at("/Container/GuestOs/HostName").asText()).isEqualTo("build-host");
        JsonNode layers = doc.at("/Container/Storage/Layers");
        assertThat(layers).hasSize(2);
        assertThat(layers.get(0).get("Path").asText()).isEqualTo(container().resolveSibling("mid").toString());
        assertThat(layers.get(1).get("Path").asText()).isEqualTo(container().resolveSibling("base").toString());
        assertThat(layers.get(0).get("Id").asText()).isEqualTo(LayerIds.forName("mid").toString());
        JsonNode mapped = doc.at("/Container/MappedDirectories/0");
        assertThat(mapped.get("HostPath").asText()).isEqualTo("C:\\src");
        assertThat(mapped.get("ContainerPath").asText()).isEqualTo("C:\\src");
        assertThat(mapped.get("ReadOnly").asBoolean()).isTrue();
        assertThat(doc.at("/Container/Processor/Maximum").asInt()).isEqualTo(5000);
        assertThat(doc.at("/Container/Processor").has("Count")).isFalse();
        assertThat(doc.at("/Container/Memory/SizeInMB").asLong()).isEqualTo(1024);
    }

    @Test
    void twoCpuLimitsAreRefusedAsNotSupported() throws IOException {
        ContainerSpec spec = base().limits(ResourceLimits.builder().cpuCount(2).cpuPercent(50).build()).build();
        assertThatThrownBy(() -> WindowsHcsRuntime.describe(spec))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED);
                    assertThat(e.getMessage()).contains("cpuCount=2").contains("cpuPercent=50").contains("only one of");
                });
    }

    @Test
    void posixContainerPathIsRefusedWithAClearMessage() throws IOException {
        ContainerSpec spec = base().layer(Layer.hostDirectory(Path.of("/src"), "/src", Access.READ_ONLY)).build();
        assertThatThrownBy(() -> WindowsHcsRuntime.describe(spec))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC);
                    assertThat(e.getMessage()).contains("layer.containerPath").contains("'/src'").contains("C:\\src");
                });
    }

    @Test
    void tmpfsAndMissingLayerchainAreRefused(@TempDir Path empty) throws IOException {
        assertThatThrownBy(() -> WindowsHcsRuntime.describe(base().layer(Layer.tmpfs("C:\\tmp")).build()))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED));
        assertThatThrownBy(() -> WindowsHcsRuntime.describe(ContainerSpec.builder().rootfs(empty).build()))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
                    assertThat(e.getMessage()).contains("layerchain.json");
                });
    }

    @Test
    void defaultUtilityVmIsTheFirstUtilityVmFolderFromTheBaseLayerUp(@TempDir Path dir) throws IOException {
        Path container = SimRuntimes.windowsfilter(dir);
        Path base = container.resolveSibling("base");
        Path mid = container.resolveSibling("mid");
        Files.createDirectories(mid.resolve("UtilityVM").resolve("Files"));
        assertThat(osShare(hyperv(container))).isEqualTo(base.resolve("UtilityVM").resolve("Files").toString());

        deleteTree(base.resolve("UtilityVM"));
        deleteTree(mid.resolve("UtilityVM"));
        Files.createDirectories(mid.resolve("UtilityVM"));
        Files.writeString(mid.resolve("UtilityVM").resolve("UtilityVM.vhdx"), "");
        Files.createDirectories(base.resolve("UtilityVM"));
        assertThat(osShare(hyperv(container))).as("a UtilityVM folder holding neither UtilityVM.vhdx nor Files does not count")
                .isEqualTo(mid.resolve("UtilityVM").resolve("Files").toString());
    }

    @Test
    void noUtilityVmAnywhereIsInvalidSpecNamingTheOption(@TempDir Path dir) throws IOException {
        Path container = SimRuntimes.windowsfilter(dir);
        deleteTree(container.resolveSibling("base").resolve("UtilityVM"));
        assertThatThrownBy(() -> WindowsHcsRuntime.describeUtilityVm(hyperv(container)))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC);
                    assertThat(e.getMessage()).startsWith("windows.utilityVmPath:").contains("UtilityVM.vhdx").contains("Files\\")
                            .contains(container.resolveSibling("base").toString());
                });
        ContainerSpec given = ContainerSpec.builder().id("golden-1").rootfs(container)
                .extension(WindowsOptions.builder().isolation(Isolation.HYPERV).utilityVmPath(Path.of("C:\\uvm")).build()).build();
        assertThat(osShare(given)).as("an explicit utilityVmPath is used as given").isEqualTo("C:\\uvm\\Files");
    }

    private static ContainerSpec hyperv(Path container) {
        return ContainerSpec.builder().id("golden-1").rootfs(container).extension(WindowsOptions.builder().isolation(Isolation.HYPERV).build()).build();
    }

    private static String osShare(ContainerSpec spec) throws IOException {
        JsonNode share = Json.mapper().readTree(WindowsHcsRuntime.describeUtilityVm(spec).orElseThrow()).at("/VirtualMachine/Devices/VirtualSmb/Shares/0");
        assertThat(share.get("Name").asText()).isEqualTo("os");
        return share.get("Path").asText();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void processIsolationHasNoUtilityVm() throws IOException {
        assertThat(WindowsHcsRuntime.describeUtilityVm(base().build())).isEmpty();
    }
}
