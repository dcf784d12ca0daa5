package dev.containerv.cli;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code containerv cp}: files and trees into and out of a container. */
@Command(name = "cp", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Copy files or trees between the host and a container.",
        description = {
            "Copies a file or a directory tree between the host and a container, keeping modes. One side is a container "
                    + "path ID:PATH, the other a host path.",
            "Where the copy goes is the rule of cp -r and docker cp: a missing DST becomes the copy; a file replaces a file; "
                    + "an existing directory DST receives the source inside it (DST/NAME, merging when that is a directory too); "
                    + "a directory never replaces a file. A DST ending in / must be an existing directory. A host path containing "
                    + "':' is written ./a:b or /abs/a:b.",
            "Downloads skip FIFOs, sockets and devices, and copy symbolic links as links with the same target: an absolute "
                    + "link made in the container points at the host's file of that name once copied out.",
            "Host paths are taken literally: no symbolic link on the host is followed (a link at DST is replaced; give the "
                    + "resolved path when a parent is a link). Downloads drop setuid/setgid bits and belong to the caller.",
            "",
            "Examples:",
            "  containerv cp ./patches cv-1a2b3c4d5e6f:/src/patches",
            "  containerv cp cv-1a2b3c4d5e6f:/src/out ./out"
        })
final class CpCommand implements Callable<Integer> {
    private static final System.Logger LOG = System.getLogger(CpCommand.class.getName());

    @ParentCommand
    private ContainervCommand root;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SRC", description = "What to copy: ID:PATH in a container, or a host path.")
    private String source;

    @Parameters(index = "1", paramLabel = "DST", description = "Where the copy goes: ID:PATH in a container, or a host path.")
    private String destination;

    @Override
    public Integer call() {
        CliContext ctx = root.context();
        Args.Endpoint from = endpoint("SRC", source, ctx);
        Args.Endpoint to = endpoint("DST", destination, ctx);
        if (from.inContainer() == to.inContainer()) {
            throw new ParameterException(spec.commandLine(), "cp copies between the host and a container: exactly one of SRC ('" + source
                    + "') and DST ('" + destination + "') must be a container path ID:PATH");
        }
        // The API applies the copy rule (an existing directory receives the source); the CLI adds only what a
        // java.nio Path cannot carry: a host DST written with a trailing separator must be a directory.
        if (from.inContainer()) {
            Path host = ctx.workingDir().resolve(to.path()).normalize();
            if (endsWithSeparator(to.path(), ctx.windowsHost()) && !Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
                boolean missing = !Files.exists(host, LinkOption.NOFOLLOW_LINKS);
                throw ContainerException.builder(missing ? ErrorKind.NOT_FOUND : ErrorKind.INVALID_SPEC, "cannot copy " + source + " to "
                        + destination + ": " + host + (missing ? " does not exist" : " is not a directory")
                        + "; a DST ending in '/' must be an existing directory").operation("cli::cp").build();
            }
            Container c = root.runtime().open(from.containerId().orElseThrow());
            try {
                LOG.log(Level.DEBUG, "downloading {0}:{1} to {2}", c.id(), from.path(), host);
                long started = System.nanoTime();
                c.download(from.path(), host);
                LOG.log(Level.INFO, "copied {0}:{1} to {2} in {3} ms", c.id(), from.path(), host, (System.nanoTime() - started) / 1_000_000);
            } finally {
                ContainervCommand.release(c);
            }
        } else {
            Path host = ctx.workingDir().resolve(from.path()).normalize();
            Container c = root.runtime().open(to.containerId().orElseThrow());
            try {
                LOG.log(Level.DEBUG, "uploading {0} to {1}:{2}", host, c.id(), to.path());
                long started = System.nanoTime();
                c.upload(host, to.path());
                LOG.log(Level.INFO, "copied {0} to {1}:{2} in {3} ms", host, c.id(), to.path(), (System.nanoTime() - started) / 1_000_000);
            } finally {
                ContainervCommand.release(c);
            }
        }
        return ExitCodes.OK;
    }

    private Args.Endpoint endpoint(String label, String text, CliContext ctx) {
        try {
            return Args.Endpoint.parse(text, ctx.windowsHost());
        } catch (TypeConversionException e) {
            throw new ParameterException(spec.commandLine(), label + ": " + e.getMessage());
        }
    }

    private static boolean endsWithSeparator(String hostPath, boolean windowsHost) {
        return hostPath.length() > 1 && (hostPath.endsWith("/") || (windowsHost && hostPath.endsWith("\\")));
    }
}
