package dev.containerv.windows.internal;

import com.sun.jna.Platform;
import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.WinReg;
import dev.containerv.windows.hcs.ComputeCoreHcs;
import dev.containerv.windows.hcs.HcsApi;
import dev.containerv.windows.hcs.VmComputeHcs;
import dev.containerv.windows.jna.Natives;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which HCS DLL family to use: {@code -Dcontainerv.windows.hcs=vmcompute|computecore}, else vmcompute.dll
 * first and computecore.dll second, as the original documents. Also the probe's facts: OS build, which
 * DLLs load, elevation.
 */
public final class HcsFamilies {
    /** The system property that picks the family. */
    public static final String PROPERTY = "containerv.windows.hcs";

    private HcsFamilies() {
    }

    /** What the probe found. */
    public record Facts(boolean windows, String os, Integer build, boolean vmcompute, String vmcomputeError, boolean computecore,
                        String computecoreError, Boolean elevated, String chosen, String problem) {
        /** One line for the probe's reason. */
        public String describe() {
            if (!windows) {
                return "needs Windows (Host Compute Service); this host runs " + os;
            }
            StringBuilder sb = new StringBuilder(os).append(build == null ? " (build unknown)" : " build " + build);
            sb.append("; vmcompute.dll ").append(vmcompute ? "loads" : "does not load (" + vmcomputeError + ")");
            sb.append("; computecore.dll ").append(computecore ? "loads" : "does not load (" + computecoreError + ")");
            sb.append("; ").append(elevated == null ? "elevation unknown" : elevated ? "elevated" : "not elevated (run as Administrator)");
            if (chosen != null) {
                sb.append("; using ").append(chosen);
            }
            if (problem != null) {
                sb.append("; ").append(problem);
            }
            return sb.toString();
        }

        /** {@code true} if containers can be made. */
        public boolean usable() {
            return windows && chosen != null && !Boolean.FALSE.equals(elevated) && problem == null;
        }
    }

    /** The first Windows build HCS schema 2.1 (what the documents are written in) works on: 1809 / Server 2019 (RS5). */
    public static final int MIN_BUILD = 17763;

    /** Gathers the facts; never throws. */
    public static Facts probe() {
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " (" + System.getProperty("os.arch") + ")";
        if (!Platform.isWindows()) {
            return new Facts(false, os, null, false, "not Windows", false, "not Windows", null, null, null);
        }
        String vmError = null;
        String ccError = null;
        try {
            Natives.vmCompute();
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            vmError = e.getMessage();
        }
        try {
            Natives.computeCore();
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            ccError = e.getMessage();
        }
        Boolean elevated;
        try {
            elevated = Advapi32Util.isCurrentProcessElevated();
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            elevated = null;
        }
        return decide(os, windowsBuild(), vmError, ccError, elevated, System.getProperty(PROPERTY));
    }

    /**
     * The real build number: os.version says "10.0" on every Windows 10, 11 and Server since 2016, so it is read
     * from {@code HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\CurrentBuildNumber}; {@code null} if unreadable.
     */
    static Integer windowsBuild() {
        try {
            return Integer.valueOf(Advapi32Util.registryGetStringValue(WinReg.HKEY_LOCAL_MACHINE,
                    "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", "CurrentBuildNumber").trim());
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return null;
        }
    }

    /** The choice from what the probe found on a Windows host ({@code wanted}: the {@value #PROPERTY} property, or null). */
    static Facts decide(String os, Integer build, String vmError, String ccError, Boolean elevated, String wanted) {
        String chosen = null;
        String problem = null;
        if (wanted != null) {
            String w = wanted.trim().toLowerCase(Locale.ROOT);
            if (w.equals("vmcompute")) {
                chosen = vmError == null ? "vmcompute" : null;
                problem = vmError == null ? null : "-D" + PROPERTY + "=vmcompute but vmcompute.dll does not load";
            } else if (w.equals("computecore")) {
                chosen = ccError == null ? "computecore" : null;
                problem = ccError == null ? null : "-D" + PROPERTY + "=computecore but computecore.dll does not load";
            } else {
                problem = "-D" + PROPERTY + "='" + wanted + "' is not one of vmcompute, computecore";
            }
        } else if (vmError == null) {
            chosen = "vmcompute";
        } else if (ccError == null) {
            chosen = "computecore";
        } else {
            problem = "neither HCS DLL loads: enable the Containers feature (Enable-WindowsOptionalFeature -Online -FeatureName Containers -All)";
        }
        if (build != null && build < MIN_BUILD) {
            chosen = null;
            problem = "Windows build " + build + " is older than " + MIN_BUILD + " (1809 / Server 2019), the first that takes HCS schema 2.1 documents";
        }
        return new Facts(true, os, build, vmError == null, vmError, ccError == null, ccError, elevated, chosen, problem);
    }

    /** The HcsApi of the chosen family. @throws IllegalStateException if none is usable */
    public static HcsApi load(Facts facts) {
        List<String> why = new ArrayList<>();
        if (facts.chosen() == null) {
            why.add(facts.describe());
            throw new IllegalStateException(String.join("; ", why));
        }
        return facts.chosen().equals("vmcompute") ? VmComputeHcs.load() : ComputeCoreHcs.load();
    }
}
