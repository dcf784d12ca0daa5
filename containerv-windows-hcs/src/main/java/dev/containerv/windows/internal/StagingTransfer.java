package dev.containerv.windows.internal;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerPaths;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ExecResult;
import dev.containerv.api.GuestOs;
import dev.containerv.spi.FileTrees;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.FileVisitResult;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * File transfer through the staging folder, which is mapped read-write at {@link Documents#STAGING_WINDOWS}: the
 * host side copies into or out of it, and {@code cmd.exe} inside the container copies between it and the target
 * ({@code copy}, {@code xcopy}, {@code if exist}), with lines built by {@link CmdLine} in cmd.exe's own quoting.
 */
final class StagingTransfer {
    private static final System.Logger LOG = System.getLogger(StagingTransfer.class.getName());
    private final String containerId;
    private final Path staging;
    private final Function<CmdLine, ExecResult> cmd;
    private final AtomicInteger transfers = new AtomicInteger();

    /**
     * @param staging the host folder mapped at {@link Documents#STAGING_WINDOWS}
     * @param cmd     runs a {@code cmd.exe /c} line in the container and returns its result
     */
    StagingTransfer(String containerId, Path staging, Function<CmdLine, ExecResult> cmd) {
        this.containerId = containerId;
        this.staging = staging;
        this.cmd = cmd;
    }

    private String stagingInContainer(String name) {
        return Documents.STAGING_WINDOWS + "\\" + name;
    }


    private void runCopy(String op, CmdLine line, String what) {
        ExecResult r = cmd.apply(line);
        if (r.exitCode() != 0) {
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, what + " failed in the container: " + line
                    + " exited with " + r.exitCode() + ": " + (r.stdout() + r.stderr()).strip()).operation(op).containerId(containerId).build();
        }
    }

    /** The xcopy of a tree; {@code /I} makes a missing destination a directory, so it needs no trailing backslash. */
    private static CmdLine xcopy(String from, String to) {
        return new CmdLine().text("xcopy").path("containerPath", from).path("containerPath", to).text("/E /I /Y /Q /H /K");
    }

    private static CmdLine copy(String from, String to) {
        return new CmdLine().text("copy /Y").path("containerPath", from).path("containerPath", to);
    }

    /** 1 missing, 2 directory, 3 file: asked inside the container with cmd.exe's {@code if exist}. */
    private int kindOf(String op, String containerPath) {
        ExecResult r = cmd.apply(new CmdLine().text("if exist").entriesOf("containerPath", containerPath).text("(exit 2) else if exist")
                .path("containerPath", containerPath).text("(exit 3) else (exit 1)"));
        if (r.exitCode() < 1 || r.exitCode() > 3) {
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "cannot tell what " + containerPath + " is: cmd.exe exited with " + r.exitCode()
                    + ": " + (r.stdout() + r.stderr()).strip()).operation(op).containerId(containerId).build();
        }
        return r.exitCode();
    }

    /** Copies a host file or tree to {@code containerPath} by the rule of {@code Container.upload}: staged on the host, then copied inside by cmd.exe. */
    void upload(Path host, String containerPath) {
        String op = Errors.op("Container", "upload");
        String target = CmdLine.check("containerPath", ContainerPaths.check("containerPath", containerPath, GuestOs.WINDOWS));
        if (!Files.exists(host)) {
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "the host path " + host + " does not exist").operation(op).containerId(containerId).build();
        }
        target = destinationInContainer(op, host, target, containerPath.length() > 3 && containerPath.endsWith("\\"));
        String name = "upload-" + transfers.incrementAndGet();
        Path staged = staging.resolve(name);
        try {
            copyTree(host, staged);
            if (Files.isDirectory(host)) {
                runCopy(op, xcopy(stagingInContainer(name), target), "copying " + host);
            } else {
                runCopy(op, copy(stagingInContainer(name), target), "copying " + host);
            }
        } catch (IOException e) {
            throw Errors.of(ErrorKind.PLATFORM_FAILURE, op, containerId, "cannot stage " + host + ": " + e, e);
        } finally {
            deleteQuietly(staged);
        }
    }

    /** Copies a container file or tree to {@code host} by the rule of {@code Container.download}: copied to the staging folder inside, then out on the host. */
    void download(String containerPath, Path host) {
        String op = Errors.op("Container", "download");
        String source = CmdLine.check("containerPath", ContainerPaths.check("containerPath", containerPath, GuestOs.WINDOWS));
        int kind = kindOf(op, source);
        if (kind == 1) {
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "the container path " + source + " does not exist").operation(op).containerId(containerId).build();
        }
        host = destinationOnHost(op, source, kind == 2, host);
        String name = "download-" + transfers.incrementAndGet();
        Path staged = staging.resolve(name);
        try {
            if (kind == 2) {
                runCopy(op, xcopy(source, stagingInContainer(name)), "copying " + source);
            } else {
                runCopy(op, copy(source, stagingInContainer(name)), "copying " + source);
            }
            copyTree(staged, host);
        } catch (IOException e) {
            throw Errors.of(ErrorKind.PLATFORM_FAILURE, op, containerId, "cannot copy the staged " + source + " to " + host + ": " + e, e);
        } finally {
            deleteQuietly(staged);
        }
    }

    /**
     * Where an upload goes, by the rule of {@code Container.upload} ({@code cp -r}, {@code docker cp}): an existing
     * directory receives the source under its name; a directory never replaces a file nor a file a directory; a
     * destination written with a trailing backslash must be an existing directory.
     */
    private String destinationInContainer(String op, Path host, String target, boolean mustBeDirectory) {
        int kind = kindOf(op, target);
        if (kind == 2 && host.getFileName() != null) {
            target = (target.endsWith("\\") ? target : target + "\\") + host.getFileName();
            kind = kindOf(op, target);
        } else if (mustBeDirectory && kind != 2) {
            throw ContainerException.builder(kind == 1 ? ErrorKind.NOT_FOUND : ErrorKind.INVALID_SPEC, "cannot copy " + host + " to " + target
                    + "\\: a destination ending in '\\' must be an existing directory, and it " + (kind == 1 ? "does not exist" : "is a file"))
                    .operation(op).containerId(containerId).build();
        }
        clash(op, Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS), kind == 2, kind != 1, host.toString(), target);
        return target;
    }

    /** Where a download goes on the host, by the same rule; a link at {@code host} is not a directory and is not followed. */
    private Path destinationOnHost(String op, String source, boolean sourceIsDirectory, Path host) {
        Path target = host;
        int cut = source.lastIndexOf('\\');
        String name = cut >= 0 ? source.substring(cut + 1) : "";
        if (Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS) && !name.isEmpty()) {
            target = host.resolve(name);
        }
        clash(op, sourceIsDirectory, Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS), Files.exists(target, LinkOption.NOFOLLOW_LINKS),
                source, target.toString());
        return target;
    }

    private void clash(String op, boolean sourceIsDirectory, boolean targetIsDirectory, boolean targetExists, String source, String target) {
        if (targetExists && sourceIsDirectory != targetIsDirectory) {
            throw ContainerException.builder(ErrorKind.INVALID_SPEC, "cannot copy " + source + " to " + target + ": " + target
                    + (targetIsDirectory ? " is a directory and the source is not (a file never replaces a directory)"
                    : " is not a directory (a directory never replaces a file)")).operation(op).containerId(containerId).build();
        }
    }

    /** Copies a file, or a tree into {@code to}, attributes included. */
    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            return;
        }
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Removes a tree, logging instead of failing. */
    private static void deleteQuietly(Path p) {
        try {
            FileTrees.deleteTree(p);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove staging " + p + ": " + e.getMessage());
        }
    }
}
