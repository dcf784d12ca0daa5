package dev.containerv.linux;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ExecResult;
import dev.containerv.api.ProcessSpec;
import dev.containerv.testkit.Privileges;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12's acceptance: a Debian root file system, made with {@code debootstrap}, works under linux-ns's defaults:
 * {@code apt-get install} of a package and a {@code make} build inside. The tree is built once per machine and kept
 * in {@value #CACHE} (built beside it and renamed into place, so a broken build is never used). The Debian mirror
 * is the one this host's apt is configured with (read from {@code /etc/apt/sources.list*} at run time). Without
 * the network capability the container shares the host's network, which is how apt inside reaches the mirror.
 * Skips with the reason where debootstrap is missing (a failure where CONTAINERV_REQUIRE_PRIVILEGED=1: CI installs
 * it) or where the mirror cannot be reached (always a skip: an environment limit of the machine, not a defect).
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class DebianRootfsPrivilegedTest {
    static final String CACHE = "/var/cache/containerv-test";
    private static final Path DEBOOTSTRAP = Path.of("/usr/sbin/debootstrap");
    private static final String COMPLETE = ".containerv-complete";
    private static Path debian;

    @BeforeAll
    static void debianRoot() throws Exception {
        Privileged.require();
        debian = ensureTree();
    }

    /**
     * The cached Debian tree, built first if missing (as root); aborts (skips) with the reason where it cannot be made,
     * fails where debootstrap is missing and CONTAINERV_REQUIRE_PRIVILEGED=1. The rootless suite uses it too.
     */
    static Path ensureTree() throws Exception {
        if (!Files.isExecutable(DEBOOTSTRAP)) {
            String why = "debootstrap is not installed (apt-get install -y debootstrap)";
            if (Privileges.privilegedRequired()) {
                Assertions.fail("the Debian rootfs test cannot run although CONTAINERV_REQUIRE_PRIVILEGED is set: " + why);
            }
            Assumptions.abort(why);
        }
        Optional<String[]> source = aptSource();
        Assumptions.assumeTrue(source.isPresent(), "environment limit: no Debian mirror in this host's /etc/apt/sources.list* to debootstrap from");
        String mirror = source.get()[0];
        String suite = source.get()[1];
        Path target = Path.of(CACHE, "debian-" + suite);
        if (!Files.exists(target.resolve(COMPLETE))) {
            build(target, suite, mirror);
        }
        return target;
    }

    /** The mirror and suite of the host's first Debian apt source ({@code deb URI suite} or a deb822 stanza). */
    static Optional<String[]> aptSource() throws IOException {
        List<Path> files = new ArrayList<>();
        Path list = Path.of("/etc/apt/sources.list");
        if (Files.isRegularFile(list)) {
            files.add(list);
        }
        Path dir = Path.of("/etc/apt/sources.list.d");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.toString().endsWith(".list") || p.toString().endsWith(".sources")).sorted().forEach(files::add);
            }
        }
        Pattern oneLine = Pattern.compile("(?m)^deb\\s+(?:\\[[^]]*]\\s+)?(\\S+/debian/?)\\s+(\\S+)\\s");
        Pattern uris = Pattern.compile("(?m)^URIs:\\s*(\\S+/debian/?)\\s*$");
        Pattern suites = Pattern.compile("(?m)^Suites:\\s*(\\S+)");
        for (Path f : files) {
            String text = Files.readString(f);
            Matcher m = oneLine.matcher(text);
            if (m.find()) {
                return Optional.of(new String[] {m.group(1), m.group(2)});
            }
            for (String stanza : text.split("\\n\\s*\\n")) {
                Matcher u = uris.matcher(stanza);
                Matcher s = suites.matcher(stanza);
                if (u.find() && s.find() && !stanza.matches("(?s).*^Enabled:\\s*no.*")) {
                    return Optional.of(new String[] {u.group(1), s.group(1)});
                }
            }
        }
        return Optional.empty();
    }

    /** debootstrap into a directory beside the target, then rename it into place; a failed fetch skips. */
    private static void build(Path target, String suite, String mirror) throws Exception {
        Files.createDirectories(target.getParent());
        Path partial = target.resolveSibling(target.getFileName() + ".partial-" + ProcessHandle.current().pid());
        Path log = target.resolveSibling(target.getFileName() + ".log");
        Process p = new ProcessBuilder(DEBOOTSTRAP.toString(), "--variant=minbase", suite, partial.toString(), mirror)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(15, TimeUnit.MINUTES);
        if (!done || p.exitValue() != 0) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            dev.containerv.spi.FileTrees.deleteTree(partial);
            String tail = tail(log);
            Assumptions.abort("environment limit: debootstrap of Debian " + suite + " from this host's apt mirror " + mirror + " failed ("
                    + (done ? "exit " + p.exitValue() : "not done in 15 min") + "), so no Debian rootfs can be made on this machine: " + tail);
        }
        Files.writeString(partial.resolve(COMPLETE), suite + " " + mirror + "\n");
        try {
            Files.move(partial, target);
        } catch (IOException e) {
            // Another run won the race: its tree is complete, ours goes.
            dev.containerv.spi.FileTrees.deleteTree(partial);
            if (!Files.exists(target.resolve(COMPLETE))) {
                throw e;
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Test
    void aptGetInstallAndAMakeBuildWorkUnderTheDefaults() {
        ContainerRuntime runtime = new LinuxNamespacesProvider().createRuntime();
        try (Container c = runtime.create(ContainerSpec.builder().rootfs(debian).build())) {
            ExecResult install = c.exec(ProcessSpec.builder("/bin/sh", "-c", "apt-get update -qq && apt-get install -y -qq --no-install-recommends make"
                    + " && make --version | head -n 1").environment("DEBIAN_FRONTEND", "noninteractive").build(), Duration.ofMinutes(10));
            if (install.exitCode() != 0 && install.stderr().contains("Temporary failure resolving")) {
                Assumptions.abort("environment limit: the container (sharing the host's network) cannot resolve the mirror: " + install.stderr());
            }
            assertThat(install.exitCode()).as("apt-get install make: %s", install).isZero();
            assertThat(install.stdout()).contains("GNU Make");
            String build = "mkdir -p /build && cd /build && printf 'hello from make\\n' > in.txt"
                    + " && printf 'out.txt: in.txt\\n\\ttr a-z A-Z < in.txt > out.txt\\n\\nall: out.txt\\n\\tcat out.txt\\n.PHONY: all\\n' > Makefile"
                    + " && make -s all && make -q out.txt && echo up-to-date";
            ExecResult made = c.exec(ProcessSpec.of("/bin/sh", "-c", build), Duration.ofMinutes(2));
            assertThat(made.exitCode()).as("make build: %s", made).isZero();
            assertThat(made.stdout()).isEqualTo("HELLO FROM MAKE\nup-to-date\n");
        }
        assertThat(debian.resolve("usr/bin/make")).as("the cached Debian tree stays as debootstrap made it").doesNotExist();
    }
}
