package dev.containerv.linux;

import dev.containerv.api.ContainerRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code java} block of the repository's README.md, compiled and run as written against this provider, so the
 * README's examples cannot drift from the API (issue 18). Each block becomes the body of a method of its own class;
 * the free variables the README names ({@code runtime}, {@code rootfs}, {@code src}, {@code out}) are static fields
 * of that class (a block may declare its own, which then hides the field), with the imports the README lists.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ReadmeExamplesPrivilegedTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Pattern JAVA_BLOCK = Pattern.compile("(?ms)^```java\\n(.*?)^```$");
    private static final String IMPORTS = String.join("\n", "import dev.containerv.api.*;", "import java.nio.file.*;",
            "import java.nio.charset.*;", "import java.time.*;", "import java.util.*;", "import java.util.concurrent.*;",
            "import java.lang.ProcessBuilder.Redirect;", "import dev.containerv.images.*;");
    /** A block that starts with this comment is compiled but not run (it needs what the test cannot give, a registry). */
    private static final String COMPILE_ONLY = "// Compiled by the build, not run:";
    // Roots of its own: other tests on this host may list containers meanwhile (blocks that load the default runtime
    // name their ids, which are checked there).
    @RegisterExtension
    static final PrivilegedBed BED = PrivilegedBed.asRoot("cv-readme-test").privateRoots();

    @BeforeAll
    static void setUp() throws IOException {
        Files.writeString(BED.rootfs().resolve("etc/os-release"), "PRETTY_NAME=\"busybox test root\"\n");
        Path src = Files.createDirectories(BED.work().resolve("src"));
        Files.writeString(src.resolve("Makefile"), "all:\n\techo built > out.txt\n");
    }

    /** The README's java blocks, in order. */
    static List<String> javaBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        Matcher m = JAVA_BLOCK.matcher(markdown);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    @TestFactory
    List<DynamicTest> everyJavaBlockOfTheReadmeCompilesAndRuns() throws IOException {
        List<String> blocks = javaBlocks(Files.readString(README));
        assertThat(blocks).as("java blocks in " + README.toAbsolutePath()).hasSizeGreaterThanOrEqualTo(5);
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            int n = i + 1;
            String block = blocks.get(i);
            String first = block.lines().findFirst().orElse("").strip();
            tests.add(DynamicTest.dynamicTest("README java block " + n + ": " + first, () -> run(n, block)));
        }
        return tests;
    }

    private static void run(int n, String block) throws Exception {
        String name = "ReadmeExample" + n;
        String source = "package readme;\n" + IMPORTS + "\npublic class " + name + " {\n"
                + "    public static ContainerRuntime runtime;\n    public static Path rootfs;\n    public static Path src;\n"
                + "    public static Path out;\n"
                + "    public static void run() throws Exception {\n" + block + "\n    }\n}\n";
        Path classes = Files.createDirectories(BED.work().resolve("classes-" + n));
        compile(name, source, classes);
        if (block.strip().startsWith(COMPILE_ONLY)) {
            return;
        }
        Path out = Files.createDirectories(BED.work().resolve("out-" + n));
        ContainerRuntime defaultRoots = new LinuxNamespacesProvider().createRuntime();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, ReadmeExamplesPrivilegedTest.class.getClassLoader())) {
            Class<?> example = loader.loadClass("readme." + name);
            example.getField("runtime").set(null, BED.runtime());
            example.getField("rootfs").set(null, BED.rootfs());
            example.getField("src").set(null, BED.work().resolve("src"));
            example.getField("out").set(null, out);
            try {
                example.getMethod("run").invoke(null);
            } catch (InvocationTargetException e) {
                throw new AssertionError("README java block " + n + " failed when run:\n" + block, e.getCause());
            }
        }
        assertThat(BED.runtime().list()).as("README java block %d leaves no container behind", n).isEmpty();
        Matcher ids = Pattern.compile("\\.id\\(\"([^\"]+)\"\\)").matcher(block);
        while (ids.find()) {
            assertThat(defaultRoots.list()).as("README java block %d leaves no container behind", n).doesNotContain(ids.group(1));
        }
    }

    /** Compiles with the JDK's javac (the module of this test does not read java.compiler). */
    private static void compile(String name, String source, Path classes) throws Exception {
        Path javac = Path.of(System.getProperty("java.home"), "bin", "javac");
        assertThat(javac).as("a JDK's javac").isExecutable();
        Path file = Files.createDirectories(classes.resolveSibling(classes.getFileName() + "-src").resolve("readme")).resolve(name + ".java");
        Files.writeString(file, source);
        Set<String> path = new LinkedHashSet<>();
        path.add(Path.of("target/classes").toAbsolutePath().toString());
        for (String prop : List.of("jdk.module.path", "java.class.path")) {
            String v = System.getProperty(prop);
            if (v != null && !v.isBlank()) {
                path.addAll(List.of(v.split(File.pathSeparator)));
            }
        }
        Process p = new ProcessBuilder(javac.toString(), "--release", "17", "-encoding", "UTF-8", "-classpath",
                String.join(File.pathSeparator, path), "-d", classes.toString(), file.toString()).redirectErrorStream(true).start();
        String diagnostics = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("README java block %s does not compile (the block starts at line 10):\n%s\n%s", name, diagnostics, source)
                .isZero();
    }
}
