package dev.containerv.windows.jna;

import com.sun.jna.Structure;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every JNA structure of the bindings, found by scanning the package (no hand-kept list to forget one in): {@code @FieldOrder} names exactly the public instance
 * fields, in declaration order (as the C headers declare them), and the x64 sizes the references give hold.
 */
class StructureFieldOrderTest {
    /** Every {@link Structure} declared in the bindings' package (nested ones included), found in its compiled classes. */
    static List<Class<? extends Structure>> structures() throws IOException, URISyntaxException, ClassNotFoundException {
        Path dir = Path.of(Natives.class.getResource("Natives.class").toURI()).getParent();
        List<Class<? extends Structure>> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String file = f.getFileName().toString();
                if (!file.endsWith(".class") || file.equals("module-info.class")) {
                    continue;
                }
                Class<?> c = Class.forName(Natives.class.getPackageName() + "." + file.substring(0, file.length() - 6), false,
                        Natives.class.getClassLoader());
                // Direct subclasses: a ByReference/ByValue variant adds no field of its own and shares its parent's layout.
                if (c.getSuperclass() == Structure.class && !Modifier.isAbstract(c.getModifiers())) {
                    found.add(c.asSubclass(Structure.class));
                }
            }
        }
        return found;
    }

    @Test
    void everyStructureIsFound() throws Exception {
        assertThat(structures()).contains(HcsTypes.HCS_PROCESS_INFORMATION.class, VmCompute.WC_LAYER_DESCRIPTOR.class,
                Kernel32Extras.JOBOBJECT_BASIC_ACCOUNTING_INFORMATION.class).hasSizeGreaterThanOrEqualTo(8);
    }

    @Test
    void fieldOrderMatchesDeclaredPublicFields() throws Exception {
        for (Class<? extends Structure> type : structures()) {
            Structure.FieldOrder order = type.getAnnotation(Structure.FieldOrder.class);
            assertThat(order).as("@FieldOrder on %s", type.getName()).isNotNull();
            List<String> declared = new ArrayList<>();
            for (Field f : type.getDeclaredFields()) {
                if (Modifier.isPublic(f.getModifiers()) && !Modifier.isStatic(f.getModifiers())) {
                    declared.add(f.getName());
                }
            }
            assertThat(Arrays.asList(order.value())).as("field order of %s", type.getSimpleName()).isEqualTo(declared);
        }
    }

    @Test
    void sizesOnThisPlatformMatchTheReference() {
        // The sizes are for a 64-bit JVM, which is what runs HCS (x64 and arm64 Windows).
        org.junit.jupiter.api.Assumptions.assumeTrue(com.sun.jna.Native.POINTER_SIZE == 8, "64-bit JVM");
        assertThat(new HcsTypes.HCS_PROCESS_INFORMATION().size()).isEqualTo(32);
        assertThat(new VmCompute.DriverInfo().size()).isEqualTo(16);
        assertThat(new VmCompute.WC_LAYER_DESCRIPTOR().size()).isEqualTo(32);
        assertThat(new Kernel32Extras.JOBOBJECT_BASIC_LIMIT_INFORMATION().size()).isEqualTo(64);
        assertThat(new Kernel32Extras.JOBOBJECT_EXTENDED_LIMIT_INFORMATION().size()).isEqualTo(144);
        assertThat(new Kernel32Extras.JOBOBJECT_CPU_RATE_CONTROL_INFORMATION().size()).isEqualTo(8);
        assertThat(new Kernel32Extras.JOBOBJECT_BASIC_ACCOUNTING_INFORMATION().size()).isEqualTo(48);
    }

    @Test
    void dllsAreNotLinkedOffWindows() {
        org.junit.jupiter.api.Assumptions.assumeFalse(com.sun.jna.Platform.isWindows(), "not Windows");
        for (Runnable load : List.<Runnable>of(Natives::computeCore, Natives::vmCompute, Natives::computeNetwork, Natives::kernel32Extras)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(load::run).isInstanceOf(UnsatisfiedLinkError.class).hasMessageContaining("only on Windows");
        }
    }
}
