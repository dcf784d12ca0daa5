package dev.containerv.linux.security;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The system call names the helper's libseccomp resolves, per architecture: the output of
 * {@code containerv-helper syscalls --arch <arch>}, kept as resources ({@code syscalls-<arch>.txt}) so
 * that a policy is checked in Java before anything starts. A test compares them with the built helper.
 */
public final class SyscallNames {
    private static final Map<Arch, Set<String>> NAMES = load();

    private SyscallNames() {
    }

    /** The names known for {@code arch}, in system call number order. */
    public static Set<String> of(Arch arch) {
        return NAMES.get(arch);
    }

    /** Whether {@code name} is a system call of {@code arch}. */
    public static boolean known(Arch arch, String name) {
        return NAMES.get(arch).contains(name);
    }

    /** Whether {@code name} is a system call of any architecture the rules are written for. */
    public static boolean knownOnAny(String name) {
        for (Set<String> names : NAMES.values()) {
            if (names.contains(name)) {
                return true;
            }
        }
        return false;
    }

    private static Map<Arch, Set<String>> load() {
        Map<Arch, Set<String>> m = new EnumMap<>(Arch.class);
        for (Arch a : Arch.values()) {
            String resource = "syscalls-" + a.seccompName() + ".txt";
            try (InputStream in = SyscallNames.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + resource + " is missing from dev.containerv.linux.security");
                }
                Set<String> names = new LinkedHashSet<>();
                new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)).lines()
                        .map(String::strip).filter(l -> !l.isEmpty()).forEach(names::add);
                m.put(a, Collections.unmodifiableSet(names));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + resource, e);
            }
        }
        return m;
    }
}
