package dev.containerv.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ProcessSpec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The redirects served over real pipes: a host {@code sh} stands for the process, its pipes for the transport. */
class StdioRedirectsTest {
    private static final String OP = "test::Container::spawn";

    /** A host shell running {@code script}, every stream a pipe: the transports a provider would have. */
    private static Process transport(String script) throws IOException {
        return new ProcessBuilder("sh", "-c", script).start();
    }

    private static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    static final class RecordingInput extends ByteArrayInputStream {
        final AtomicBoolean closed = new AtomicBoolean();

        RecordingInput(String text) {
            super(text.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    @Test
    void inheritedStdinIsPumpedFromSystemInWhichStaysOpen() throws Exception {
        InputStream jvmStdin = System.in;
        RecordingInput fake = new RecordingInput("from the JVM's stdin\n");
        System.setIn(fake);
        try {
            ProcessSpec spec = ProcessSpec.builder("cat").redirectInput(Redirect.INHERIT).build();
            StdioRedirects stdio = StdioRedirects.open(spec, OP, "c1");
            Process p = transport("cat");
            StdioRedirects.ProcessStreams s = stdio.connect(p.getOutputStream(), p.getInputStream(), p.getErrorStream());
            stdio.endInputWith(p.onExit());
            assertThat(read(s.stdout())).isEqualTo("from the JVM's stdin\n");
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(fake.closed).as("System.in closed").isFalse();
            s.stdin().write(1); // the exposed stdin of a redirected input is a null stream
        } finally {
            System.setIn(jvmStdin);
        }
    }

    @Test
    void inputFromAFileAndOutputsToFilesAreServedBeforeTheExitIsRecorded(@TempDir Path dir) throws Exception {
        Path in = Files.writeString(dir.resolve("in.txt"), "input line\n");
        Path out = dir.resolve("out.txt");
        Path err = Files.writeString(dir.resolve("err.txt"), "kept\n");
        ProcessSpec spec = ProcessSpec.builder("x").redirectInput(Redirect.from(in.toFile())).redirectOutput(Redirect.to(out.toFile()))
                .redirectError(Redirect.appendTo(err.toFile())).build();
        StdioRedirects stdio = StdioRedirects.open(spec, OP, "c1");
        Process p = transport("cat; echo oops >&2");
        StdioRedirects.ProcessStreams s = stdio.connect(p.getOutputStream(), p.getInputStream(), p.getErrorStream());
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        s.outputsServed().get(10, TimeUnit.SECONDS);
        assertThat(out).hasContent("input line\n");
        assertThat(err).hasContent("kept\noops\n");
        assertThat(read(s.stdout())).isEmpty();
        assertThat(read(s.stderr())).isEmpty();
    }

    @Test
    void inheritedOutputsGoToSystemOutAndErrWhichStayOpen() throws Exception {
        PrintStream jvmOut = System.out;
        PrintStream jvmErr = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        AtomicBoolean closed = new AtomicBoolean();
        System.setOut(new PrintStream(outBytes, true) {
            @Override
            public void close() {
                closed.set(true);
            }
        });
        System.setErr(new PrintStream(errBytes, true) {
            @Override
            public void close() {
                closed.set(true);
            }
        });
        try {
            ProcessSpec spec = ProcessSpec.builder("x").redirectOutput(Redirect.INHERIT).redirectError(Redirect.INHERIT).build();
            StdioRedirects stdio = StdioRedirects.open(spec, OP, "c1");
            Process p = transport("echo to-out; echo to-err >&2");
            StdioRedirects.ProcessStreams s = stdio.connect(p.getOutputStream(), p.getInputStream(), p.getErrorStream());
            s.outputsServed().get(10, TimeUnit.SECONDS);
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            System.setOut(jvmOut);
            System.setErr(jvmErr);
        }
        assertThat(outBytes.toString(StandardCharsets.UTF_8)).isEqualTo("to-out\n");
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).isEqualTo("to-err\n");
        assertThat(closed).isFalse();
    }

    @Test
    void mergedStderrArrivesInTheStdoutPipe() throws Exception {
        ProcessSpec spec = ProcessSpec.builder("x").redirectErrorStream(true).build();
        StdioRedirects stdio = StdioRedirects.open(spec, OP, "c1");
        assertThat(stdio.needsStderrTransport()).isFalse();
        Process p = transport("echo one; sleep 0.2; echo two >&2; sleep 0.2; echo three");
        StdioRedirects.ProcessStreams s = stdio.connect(p.getOutputStream(), p.getInputStream(), p.getErrorStream());
        assertThat(read(s.stdout())).isEqualTo("one\ntwo\nthree\n");
        assertThat(read(s.stderr())).isEmpty();
        assertThat(s.outputsServed()).isDone();
    }

    @Test
    void mergedStderrIntoAFile(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.txt");
        ProcessSpec spec = ProcessSpec.builder("x").redirectErrorStream(true).redirectOutput(Redirect.to(out.toFile())).build();
        StdioRedirects stdio = StdioRedirects.open(spec, OP, "c1");
        Process p = transport("echo one; sleep 0.2; echo two >&2");
        stdio.connect(p.getOutputStream(), p.getInputStream(), p.getErrorStream()).outputsServed().get(10, TimeUnit.SECONDS);
        assertThat(out).hasContent("one\ntwo\n");
    }

    @Test
    void discardedStreamsNeedNoTransportAndAreDrainedWhenGivenOne() throws Exception {
        ProcessSpec spec = ProcessSpec.builder("x").redirectInput(Redirect.from(Redirect.DISCARD.file()))
                .redirectOutput(Redirect.DISCARD).redirectError(Redirect.DISCARD).build();
        StdioRedirects stdio = StdioRedirects.open(spec, OP, "c1");
        assertThat(stdio.needsStdinTransport()).isFalse();
        assertThat(stdio.needsStdoutTransport()).isFalse();
        assertThat(stdio.needsStderrTransport()).isFalse();
        assertThat(stdio.connect(null, null, null).outputsServed()).isDone();

        StdioRedirects piped = StdioRedirects.open(spec, OP, "c1");
        // A transport that always exists (as HCS pipes do): stdin is closed at once, outputs are drained.
        Process p = transport("cat; head -c 300000 /dev/zero; head -c 300000 /dev/zero >&2");
        piped.connect(p.getOutputStream(), p.getInputStream(), p.getErrorStream()).outputsServed().get(10, TimeUnit.SECONDS);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void badFilesFailAtOpenNamingStreamAndFile(@TempDir Path dir) {
        Path missing = dir.resolve("missing.txt");
        assertThatThrownBy(() -> StdioRedirects.open(ProcessSpec.builder("x").redirectInput(Redirect.from(missing.toFile())).build(), OP, "c1"))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
                    assertThat(e.operation()).hasValue(OP);
                    assertThat(e.containerId()).hasValue("c1");
                })
                .hasMessageContaining("cannot read standard input from " + missing);
        Path noDir = dir.resolve("no-dir/out.txt");
        assertThatThrownBy(() -> StdioRedirects.open(ProcessSpec.builder("x").redirectError(Redirect.to(noDir.toFile())).build(), OP, "c1"))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
                .hasMessageContaining("cannot write standard error to " + noDir);
    }

    @Test
    void aFailedOpenClosesWhatItOpenedAndANeededTransportIsRequired(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.txt");
        ProcessSpec spec = ProcessSpec.builder("x").redirectOutput(Redirect.to(out.toFile())).build();
        try (StdioRedirects stdio = StdioRedirects.open(spec, OP, "c1")) {
            assertThatThrownBy(() -> stdio.connect(java.io.OutputStream.nullOutputStream(), null, InputStream.nullInputStream()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stdout");
        }
        // The file was opened (created) and closed again: it can be removed, and nothing more is written.
        assertThat(out).exists();
        Files.delete(out);
    }
}
