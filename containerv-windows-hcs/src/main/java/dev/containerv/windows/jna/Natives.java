package dev.containerv.windows.jna;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.win32.W32APIOptions;

import java.util.HashMap;
import java.util.Map;

/**
 * Loads each DLL on first use, never at class initialisation, so that Linux and macOS never try to link
 * them; a failure is remembered (with its cause) and reported again on every later call instead of
 * retrying the load.
 */
public final class Natives {
    private static final Map<Class<?>, Object> LOADED = new HashMap<>();
    private static final Map<Class<?>, UnsatisfiedLinkError> FAILED = new HashMap<>();

    private Natives() {
    }

    /** computecore.dll. @throws UnsatisfiedLinkError if it cannot be loaded (not Windows, feature off) */
    public static ComputeCore computeCore() {
        return load(ComputeCore.DLL, ComputeCore.class);
    }

    /** vmcompute.dll. @throws UnsatisfiedLinkError if it cannot be loaded */
    public static VmCompute vmCompute() {
        return load(VmCompute.DLL, VmCompute.class);
    }

    /** computenetwork.dll. @throws UnsatisfiedLinkError if it cannot be loaded */
    public static ComputeNetwork computeNetwork() {
        return load(ComputeNetwork.DLL, ComputeNetwork.class);
    }

    /** The job-object functions of kernel32.dll. @throws UnsatisfiedLinkError if it cannot be loaded */
    public static Kernel32Extras kernel32Extras() {
        return load(Kernel32Extras.DLL, Kernel32Extras.class);
    }

    /** The overlapped-I/O functions of kernel32.dll, for the std pipes. @throws UnsatisfiedLinkError if it cannot be loaded */
    public static OverlappedIo overlappedIo() {
        return load(OverlappedIo.DLL, OverlappedIo.class);
    }

    private static synchronized <T extends com.sun.jna.Library> T load(String dll, Class<T> type) {
        Object loaded = LOADED.get(type);
        if (loaded != null) {
            return type.cast(loaded);
        }
        UnsatisfiedLinkError failed = FAILED.get(type);
        if (failed != null) {
            UnsatisfiedLinkError again = new UnsatisfiedLinkError(failed.getMessage());
            again.initCause(failed);
            throw again;
        }
        if (!Platform.isWindows()) {
            UnsatisfiedLinkError notWindows = new UnsatisfiedLinkError(
                    dll + ".dll exists only on Windows; this is " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
            FAILED.put(type, notWindows);
            throw notWindows;
        }
        try {
            T instance = Native.load(dll, type, W32APIOptions.UNICODE_OPTIONS);
            LOADED.put(type, instance);
            return instance;
        } catch (UnsatisfiedLinkError e) {
            FAILED.put(type, e);
            throw e;
        }
    }
}
