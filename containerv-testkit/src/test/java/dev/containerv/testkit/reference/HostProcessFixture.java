package dev.containerv.testkit.reference;

import dev.containerv.api.ProcessSpec;
import dev.containerv.testkit.PosixShellFixture;

/**
 * The guest of {@link HostProcessRuntime}: a POSIX shell whose container paths live under {@code $CV_ROOT}
 * on the host. Paths given as arguments are prefixed with it, and the working directory is printed without it.
 */
public class HostProcessFixture extends PosixShellFixture {
    @Override
    public ProcessSpec.Builder printEnvironment() {
        return ProcessSpec.builder("/usr/bin/env", "-u", "CV_ROOT"); // the provider's own variable, not the process's
    }

    @Override
    public ProcessSpec.Builder listDirectory(String path) {
        return sh("ls -1A -- \"$CV_ROOT$1\"", path);
    }

    @Override
    public ProcessSpec.Builder readFile(String path) {
        return sh("exec cat -- \"$CV_ROOT$1\"", path);
    }

    @Override
    public ProcessSpec.Builder writeFile(String path, String content) {
        return sh("printf '%s' \"$2\" > \"$CV_ROOT$1\"", path, content);
    }

    @Override
    public ProcessSpec.Builder pathExists(String path) {
        return sh("[ -e \"$CV_ROOT$1\" ] || [ -L \"$CV_ROOT$1\" ]", path);
    }

    @Override
    public ProcessSpec.Builder printWorkingDirectory() {
        return sh("d=$(pwd); d=${d#\"$CV_ROOT\"}; printf '%s\\n' \"${d:-/}\"");
    }

    @Override
    public ProcessSpec.Builder createSymlink(String target, String link) {
        // The target is kept as given: the suite uses host paths there to try to escape.
        return sh("ln -s -- \"$1\" \"$CV_ROOT$2\"", target, link);
    }

    @Override
    public ProcessSpec.Builder printMode(String path) {
        return sh("stat -c %a -- \"$CV_ROOT$1\"", path);
    }
}
