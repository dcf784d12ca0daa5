package dev.containerv.windows.jna;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.Ole32;
import com.sun.jna.ptr.PointerByReference;

/**
 * Frees the strings HCS and HCN return. computecore.dll documents {@code LocalFree}; vmcompute.dll and
 * computenetwork.dll strings are freed with {@code CoTaskMemFree}, as hcsshim does. An interface so the
 * native HCS implementations can be tested with a recording fake.
 */
public interface NativeMemory {
    /** {@code LocalFree(p)}; ignores NULL. */
    void localFree(Pointer p);

    /** {@code CoTaskMemFree(p)}; ignores NULL. */
    void coTaskMemFree(Pointer p);

    /** The real frees of kernel32.dll and ole32.dll (loaded on first use). */
    static NativeMemory windows() {
        return new NativeMemory() {
            @Override
            public void localFree(Pointer p) {
                if (p != null) {
                    Kernel32.INSTANCE.LocalFree(p);
                }
            }

            @Override
            public void coTaskMemFree(Pointer p) {
                if (p != null) {
                    Ole32.INSTANCE.CoTaskMemFree(p);
                }
            }
        };
    }

    /** Reads a returned {@code PWSTR} and frees it with LocalFree; {@code null} for NULL. */
    default String takeLocal(PointerByReference ref) {
        Pointer p = ref.getValue();
        if (p == null) {
            return null;
        }
        try {
            return p.getWideString(0);
        } finally {
            localFree(p);
        }
    }

    /** Reads a returned {@code PWSTR} and frees it with CoTaskMemFree; {@code null} for NULL. */
    default String takeCoTask(PointerByReference ref) {
        Pointer p = ref.getValue();
        if (p == null) {
            return null;
        }
        try {
            return p.getWideString(0);
        } finally {
            coTaskMemFree(p);
        }
    }
}
