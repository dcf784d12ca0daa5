package dev.containerv.linux.helper;

import java.nio.file.Files;
import java.nio.file.Path;

/** Shared facts for tests. */
public final class TestSupport {
    private TestSupport() {
    }

    /** The helper the build put into target/classes, or null when it was not built. */
    public static Path builtHelper() {
        Path p = Path.of("target/classes/dev/containerv/linux/native/linux-" + System.getProperty("os.arch") + "/containerv-helper");
        return Files.isExecutable(p) ? p.toAbsolutePath() : null;
    }
}
