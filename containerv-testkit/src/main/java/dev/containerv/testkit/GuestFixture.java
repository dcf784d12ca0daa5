package dev.containerv.testkit;

import dev.containerv.api.GuestOs;
import dev.containerv.api.ProcessSpec;

import java.time.Duration;

/**
 * How to say things on one guest operating system: the programs the conformance suite runs. A provider's
 * test supplies one; {@link PosixShellFixture} serves any guest with a POSIX shell and the usual tools
 * (busybox is enough).
 *
 * <p>Every method returns a process description; the suite runs it and checks the output. Outputs are
 * documented per method; "line" means text followed by a newline.
 */
public interface GuestFixture {
    /** The guest operating system, which decides the form of container paths. */
    GuestOs guestOs();

    /** A writable container directory that exists in a fresh container ({@code /tmp}, {@code C:\tmp}). */
    String scratchDirectory();

    /** {@code directory} joined with {@code name} in the guest's path form. */
    default String path(String directory, String name) {
        String sep = guestOs() == GuestOs.WINDOWS ? "\\" : "/";
        return directory.endsWith(sep) ? directory + name : directory + sep + name;
    }

    /** Prints {@code text} exactly (no newline added) on standard output, exits 0. */
    ProcessSpec.Builder print(String text);

    /** Prints {@code text} exactly on standard error, nothing on standard output, exits 0. */
    ProcessSpec.Builder printToStderr(String text);

    /** Exits with {@code code} and prints nothing. */
    ProcessSpec.Builder exitWith(int code);

    /**
     * Sleeps for {@code duration}, then exits 0.
     *
     * <p>The process must be the sleeping program itself, so that once {@code spawn} returns it is sleeping:
     * not a shell or launcher that has yet to look the program up or exec it. Tests destroy, signal or inspect
     * it right after spawn; with a shell in between, a destroy that races the shell's lookup makes the program
     * "not found", the process ends by itself, and a provider that fails to end processes passes unseen.
     */
    ProcessSpec.Builder sleep(Duration duration);

    /**
     * Copies standard input to standard output until end of input, then exits 0. Like {@link #sleep}, the
     * process is the copying program itself.
     */
    ProcessSpec.Builder echoStdin();

    /** Prints the names in a directory, one line each, without {@code .} and {@code ..}. */
    ProcessSpec.Builder listDirectory(String path);

    /** Prints a file's content exactly; exits non-zero if it cannot be read. */
    ProcessSpec.Builder readFile(String path);

    /** Writes {@code content} exactly to a file (created or replaced); exits non-zero on failure. */
    ProcessSpec.Builder writeFile(String path, String content);

    /** Exits 0 if the path exists (file, directory or link), 1 if it does not. */
    ProcessSpec.Builder pathExists(String path);

    /**
     * Prints the process's environment exactly as it was given, one {@code NAME=value} line each, adding no
     * variable of its own (a shell that exports {@code PWD} or {@code SHLVL} is the wrong program for this).
     */
    ProcessSpec.Builder printEnvironment();

    /** Prints the working directory as one line. */
    ProcessSpec.Builder printWorkingDirectory();

    /** Prints the numeric user id of the process as one line. */
    ProcessSpec.Builder printUserId();

    /** Prints the host name as one line. */
    ProcessSpec.Builder printHostname();

    /** Prints each argument it gets (after the program) on a line of its own, exactly. */
    ProcessSpec.Builder printArguments(String... arguments);

    /** Writes {@code bytes} bytes to standard output and as many to standard error, interleaved, then exits 0. */
    ProcessSpec.Builder floodBothStreams(long bytes);

    /** Uses CPU for about {@code duration}, then exits 0. */
    ProcessSpec.Builder burnCpu(Duration duration);

    /** Allocates and touches {@code bytes} bytes of memory, then exits 0 (or dies if a limit stops it). */
    ProcessSpec.Builder allocateMemory(long bytes);

    /** Starts {@code count} processes that each sleep 30 s, waits for them; exits non-zero if any could not start. */
    ProcessSpec.Builder startProcesses(int count);

    /** Connects to {@code host:port} over TCP, sends {@code message}, prints what comes back, exits 0 if it connected. */
    ProcessSpec.Builder connectTcp(String host, int port, String message);

    /**
     * Listens on TCP {@code port}, accepts one connection and prints what it receives. Like {@link #sleep}, the
     * process is the listening program itself.
     */
    ProcessSpec.Builder listenTcp(int port);

    /** Prints the process ids visible in the container, one line each. */
    ProcessSpec.Builder listProcessIds();

    /** Prints the network interface names visible in the container, one line each. */
    ProcessSpec.Builder listNetworkInterfaces();

    /**
     * Prints the identity of the process's namespace of the given kind ({@code ipc}, {@code net}, ...) as
     * one line, in the form the host's {@code /proc/self/ns/<kind>} link has; Linux guests only.
     */
    ProcessSpec.Builder printNamespace(String kind);

    /** Creates a symbolic link at {@code link} pointing to {@code target}; exits non-zero on failure. */
    ProcessSpec.Builder createSymlink(String target, String link);

    /** Prints a file's permission bits in octal (such as {@code 755}) as one line. */
    ProcessSpec.Builder printMode(String path);

    /**
     * Sends the strongest termination signal ({@code SIGKILL}) to the process with number {@code pid} as the
     * container numbers processes; exits 0 if the signal was sent, non-zero if not (no such process, not permitted).
     */
    ProcessSpec.Builder signalProcess(long pid);

    /**
     * Tries to create a TCP socket and connect it to {@code 127.0.0.1:1}; prints {@code EPERM} as one line if the
     * system refused with "operation not permitted", else one line saying what happened; then prints {@code alive}
     * as the last line and exits 0. A program killed for its system call prints {@code killed by signal N} instead
     * of the first line.
     */
    ProcessSpec.Builder tryToCreateSocket();

    /**
     * Run as root: makes the directory {@code dir} holding a program that prints its effective user id as one line,
     * owned by root with the setuid bit (and whatever the guest needs so the program keeps the raised id); exits
     * non-zero if it cannot. The container's own files may change (it is used in a container of its own).
     */
    ProcessSpec.Builder installSetuidRootProgram(String dir);

    /** Runs the program of {@link #installSetuidRootProgram}: prints the effective user id it runs with. */
    ProcessSpec.Builder runSetuidRootProgram(String dir);

    /** A user name from the test root file system with its numeric id, for "run as user" tests. */
    default KnownUser knownUser() {
        return new KnownUser("tester", 1000);
    }

    /** A user of the guest. */
    record KnownUser(String name, long id) {
    }
}
