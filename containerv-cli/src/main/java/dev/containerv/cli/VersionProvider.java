package dev.containerv.cli;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** {@code containerv --version}: the project version the build wrote into {@code version.properties}, and the JVM. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {
            "containerv " + version(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
            System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch")
        };
    }

    static String version() {
        try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "(unknown: version.properties is missing from the jar)";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "(unknown)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the version of containerv", e);
        }
    }
}
