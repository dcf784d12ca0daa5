package dev.containerv.spi;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ExecResult;
import dev.containerv.api.ProcessSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Output hooks: {@link LineSink}, and the line consumers served by {@link StdioRedirects} and {@link DeadlineExec}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LineConsumersTest {
    private static final String OP = "test::Container::spawn";

    @Test
    void lineSinkSplitsOnNewlinesDropsCarriageReturnsAndFlushesTheLastLineAtClose() {
        List<String> lines = new ArrayList<>();
        LineSink sink = new LineSink(lines::add, "test");
        byte[] text = "one\r\ntwo\n\nthr".getBytes(StandardCharsets.UTF_8);
        sink.write(text, 0, text.length);
        sink.write('e');
        sink.write('e');
        assertThat(lines).containsExactly("one", "two", "");
        sink.close();
        sink.close();
        assertThat(lines).containsExactly("one", "two", "", "three");
    }

    @Test
    void lineSinkDecodesUtf8SplitAcrossWrites() {
        List<String> lines = new ArrayList<>();
        LineSink sink = new LineSink(lines::add, "test");
        byte[] text = "grüße\n".getBytes(StandardCharsets.UTF_8);
        sink.write(text, 0, 3); // "gr" and the first byte of ü
        sink.write(text, 3, text.length - 3);
        assertThat(lines).containsExactly("grüße");
    }

    @Test
    void aFailingConsumerStillGetsTheNextLines() {
        List<String> lines = new ArrayList<>();
        LineSink sink = new LineSink(l -> {
            lines.add(l);
            if (l.equals("bad")) {
                throw new IllegalStateException("consumer bug");
            }
        }, "test");
        byte[] text = "a\nbad\nc\n".getBytes(StandardCharsets.UTF_8);
        sink.write(text, 0, text.length);
        assertThat(lines).containsExactly("a", "bad", "c");
    }

    @Test
    void anEndlessLineIsHandedOverInBoundedPieces() {
        List<Integer> sizes = new ArrayList<>();
        LineSink sink = new LineSink(l -> sizes.add(l.length()), "test");
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'x');
        for (int i = 0; i < 40; i++) {
            sink.write(chunk, 0, chunk.length);
        }
        sink.close();
        assertThat(sizes).allMatch(n -> n <= LineSink.MAX_LINE);
        assertThat(sizes.stream().mapToLong(Integer::longValue).sum()).isEqualTo(40L * chunk.length);
    }

    @Test
    void spawnedLinesGoToTheConsumersEvenWhenNobodyReadsAndTheStreamsAreEmpty() throws Exception {
        AtomicLong out = new AtomicLong();
        AtomicLong err = new AtomicLong();
        // 2 MiB on each stream, far past any pipe buffer: a consumer that is not served would block the process.
        ProcessSpec spec = ProcessSpec.builder("sh").onStdoutLine(l -> out.addAndGet(l.equals("out") ? 1 : 1 << 30))
                .onStderrLine(l -> err.addAndGet(l.equals("err") ? 1 : 1 << 30)).build();
        StdioRedirects stdio = StdioRedirects.open(spec, OP, "c1");
        Process p = new ProcessBuilder("sh", "-c", "yes out | head -c 2097152 & yes err | head -c 2097152 >&2; wait").start();
        StdioRedirects.ProcessStreams s = stdio.connect(p.getOutputStream(), p.getInputStream(), p.getErrorStream());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        s.outputsServed().get(30, TimeUnit.SECONDS);
        assertThat(out).hasValue(2097152 / 4);
        assertThat(err).hasValue(2097152 / 4);
        assertThat(s.stdout().read()).isEqualTo(-1);
        assertThat(s.stderr().read()).isEqualTo(-1);
    }

    @Test
    void mergedStreamsGoToTheStdoutConsumerInArrivalOrder() throws Exception {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        ProcessSpec spec = ProcessSpec.builder("sh").redirectErrorStream(true).onStdoutLine(lines::add).build();
        StdioRedirects stdio = StdioRedirects.open(spec, OP, "c1");
        Process p = new ProcessBuilder("sh", "-c", "echo one; sleep 0.2; echo two >&2; sleep 0.2; echo three").start();
        StdioRedirects.ProcessStreams s = stdio.connect(p.getOutputStream(), p.getInputStream(), p.getErrorStream());
        p.waitFor();
        s.outputsServed().get(30, TimeUnit.SECONDS);
        assertThat(lines).containsExactly("one", "two", "three");
    }

    @Test
    void execHandsLinesToTheConsumersAndKeepsThemInTheResult() {
        List<String> out = Collections.synchronizedList(new ArrayList<>());
        List<String> err = Collections.synchronizedList(new ArrayList<>());
        ProcessSpec spec = ProcessSpec.builder("sh", "-c", "echo a; echo b >&2; printf c").onStdoutLine(out::add).onStderrLine(err::add).build();
        ExecResult r = DeadlineExec.run(piped -> {
            assertThat(piped.stdoutLines()).as("the spawn gets plain pipes").isEmpty();
            return HostBackedProcess.start(piped.command().toArray(new String[0]));
        }, spec, Duration.ofSeconds(30), "test::exec", "c1");
        assertThat(out).containsExactly("a", "c");
        assertThat(err).containsExactly("b");
        assertThat(r.stdout()).isEqualTo("a\nc");
        assertThat(r.stderr()).isEqualTo("b\n");
    }

    @Test
    void aLineConsumerNeedsAPipe() {
        assertThatThrownBy(() -> ProcessSpec.builder("x").redirectOutput(Redirect.DISCARD).onStdoutLine(l -> { }).build())
                .isInstanceOf(ContainerException.class).hasMessageContaining("process.onStdoutLine")
                .satisfies(e -> assertThat(((ContainerException) e).kind()).isEqualTo(ErrorKind.INVALID_SPEC));
        assertThatThrownBy(() -> ProcessSpec.builder("x").redirectErrorStream(true).onStderrLine(l -> { }).build())
                .isInstanceOf(ContainerException.class).hasMessageContaining("process.onStderrLine").hasMessageContaining("onStdoutLine");
        ProcessSpec kept = ProcessSpec.builder("x").onStdoutLine(l -> { }).build().toBuilder().build();
        assertThat(kept.stdoutLines()).isPresent();
        assertThat(kept.toBuilder().clearLineConsumers().build().stdoutLines()).isEmpty();
    }
}
