package dev.containerv.cli;

import dev.containerv.api.Container;
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
            "DST becomes the copy, except: a container DST ending in / gets the source's name appended, and a host DST that is "
                    + "an existing directory receives the copy inside it. A host path containing ':' is written ./a:b or /abs/a:b.",
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
        if (from.inContainer()) {
            Path host = ctx.workingDir().resolve(to.path()).normalize();
            String name = baseName(from.path());
            // A link at DST is never entered: a container could have planted it with an earlier download.
            if (Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS) && !name.isEmpty()) {
                host = host.resolve(name);
            }
            Container c = root.runtime().open(from.containerId().orElseThrow());
            try {
                LOG.log(Level.DEBUG, "downloading {0}:{1} to {2}", c.id(), from.path(), host);
                c.download(from.path(), host);
            } finally {
                ContainervCommand.release(c);
            }
        } else {
            Path host = ctx.workingDir().resolve(from.path()).normalize();
            String target = to.path();
            if ((target.endsWith("/") || target.endsWith("\\")) && host.getFileName() != null) {
                target = target + host.getFileName();
            }
            Container c = root.runtime().open(to.containerId().orElseThrow());
            try {
                LOG.log(Level.DEBUG, "uploading {0} to {1}:{2}", host, c.id(), target);
                c.upload(host, target);
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

    /** The last segment of a container path, either form; empty for a root. */
    static String baseName(String containerPath) {
        String p = containerPath;
        while (p.length() > 1 && (p.endsWith("/") || p.endsWith("\\"))) {
            p = p.substring(0, p.length() - 1);
        }
        int cut = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
        String name = p.substring(cut + 1);
        return name.endsWith(":") ? "" : name;
    }
}
