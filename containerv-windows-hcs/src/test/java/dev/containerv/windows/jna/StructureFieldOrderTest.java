package dev.containerv.windows.jna;

import com.sun.jna.Structure;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every JNA structure of the bindings, in one batch: {@code @FieldOrder} names exactly the public instance
 * fields, in declaration order (as the C headers declare them), and the x64 sizes the references give hold.
 */
class StructureFieldOrderTest {
    static final List<Class<? extends Structure>> STRUCTURES = List.of(
            HcsTypes.HCS_PROCESS_INFORMATION.class, HcsTypes.HCS_EVENT.class,
            VmCompute.DriverInfo.class, VmCompute.WC_LAYER_DESCRIPTOR.class,
            Kernel32Extras.JOBOBJECT_BASIC_LIMIT_INFORMATION.class, Kernel32Extras.JOBOBJECT_EXTENDED_LIMIT_INFORMATION.class,
            Kernel32Extras.JOBOBJECT_CPU_RATE_CONTROL_INFORMATION.class, Kernel32Extras.JOBOBJECT_BASIC_ACCOUNTING_INFORMATION.class);

    @Test
    void fieldOrderMatchesDeclaredPublicFields() {
        for (Class<? extends Structure> type : STRUCTURES) {
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
