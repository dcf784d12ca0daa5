package dev.containerv.linux.cgroup;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Map;

/**
 * The errno name behind a Java I/O failure on a cgroup file. The JDK reports the kernel's error only as
 * {@code strerror} text (or a subclass for a few), so the text is mapped back to its name for messages.
 */
final class Errno {
    private static final Map<String, String> BY_TEXT = Map.ofEntries(
            Map.entry("Operation not permitted", "EPERM"),
            Map.entry("No such file or directory", "ENOENT"),
            Map.entry("No such process", "ESRCH"),
            Map.entry("Permission denied", "EACCES"),
            Map.entry("Device or resource busy", "EBUSY"),
            Map.entry("File exists", "EEXIST"),
            Map.entry("Invalid argument", "EINVAL"),
            Map.entry("No space left on device", "ENOSPC"),
            Map.entry("Read-only file system", "EROFS"),
            Map.entry("Resource temporarily unavailable", "EAGAIN"),
            Map.entry("Directory not empty", "ENOTEMPTY"),
            Map.entry("Operation not supported", "EOPNOTSUPP"),
            Map.entry("Cannot allocate memory", "ENOMEM"),
            Map.entry("No such device", "ENODEV"),
            Map.entry("Numerical result out of range", "ERANGE"));

    private Errno() {
    }

    /** {@code errno EBUSY}, or {@code null} if the failure carries no recognisable errno. */
    static String of(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "errno ENOENT";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "errno EEXIST";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "errno ENOTEMPTY";
        }
        String text = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
        if (text == null && e instanceof AccessDeniedException) {
            return "errno EACCES";
        }
        if (text == null) {
            return null;
        }
        for (Map.Entry<String, String> en : BY_TEXT.entrySet()) {
            if (text.contains(en.getKey())) {
                return "errno " + en.getValue();
            }
        }
        return null;
    }

    /** {@code true} if the failure means "not allowed here": no delegation, read-only mount, no privilege. */
    static boolean isDenied(IOException e) {
        String name = of(e);
        return e instanceof AccessDeniedException || "errno EACCES".equals(name) || "errno EPERM".equals(name) || "errno EROFS".equals(name);
    }

    /** {@code true} for {@code EBUSY}. */
    static boolean isBusy(IOException e) {
        return "errno EBUSY".equals(of(e));
    }
}
