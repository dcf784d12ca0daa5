package dev.containerv.windows.jna;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the simulated kernel cannot show, because it is JNA's marshalling: every binding of an overlapped-I/O
 * function takes the data buffer and the OVERLAPPED as {@link Pointer}s to native memory the caller owns, never
 * a Java array (copied for the duration of the call only) or a {@link Structure} (auto-written before and read
 * after the call, over what the kernel writes while the I/O is in flight).
 */
class OverlappedIoContractTest {
    private static final Set<String> OVERLAPPED_CALLS = Set.of("ReadFile", "WriteFile", "GetOverlappedResult", "CancelIoEx", "ReadFileEx",
            "WriteFileEx", "CancelIo", "ConnectNamedPipe", "DeviceIoControl");

    @Test
    void overlappedFunctionsTakePointersOnly() {
        int seen = 0;
        for (Class<? extends Library> binding : List.of(OverlappedIo.class, Kernel32Extras.class, ComputeCore.class, VmCompute.class, ComputeNetwork.class)) {
            for (Method m : binding.getMethods()) {
                if (!OVERLAPPED_CALLS.contains(m.getName())) {
                    continue;
                }
                seen++;
                for (Class<?> p : m.getParameterTypes()) {
                    assertThat(p.isArray() || Structure.class.isAssignableFrom(p))
                            .as("%s.%s takes %s: JNA copies it in and out around the call, not until the I/O completes", binding.getSimpleName(), m.getName(), p.getSimpleName())
                            .isFalse();
                }
            }
        }
        assertThat(seen).as("ReadFile, WriteFile, GetOverlappedResult and CancelIoEx are bound").isGreaterThanOrEqualTo(4);
    }

    @Test
    void bufferAndOverlappedArePointers() throws NoSuchMethodException {
        Class<?> h = com.sun.jna.platform.win32.WinNT.HANDLE.class;
        assertThat(OverlappedIo.class.getMethod("ReadFile", h, Pointer.class, int.class, Pointer.class, Pointer.class)).isNotNull();
        assertThat(OverlappedIo.class.getMethod("WriteFile", h, Pointer.class, int.class, Pointer.class, Pointer.class)).isNotNull();
        assertThat(OverlappedIo.class.getMethod("GetOverlappedResult", h, Pointer.class, com.sun.jna.ptr.IntByReference.class, boolean.class)).isNotNull();
        assertThat(OverlappedIo.class.getMethod("CancelIoEx", h, Pointer.class)).isNotNull();
    }
}
