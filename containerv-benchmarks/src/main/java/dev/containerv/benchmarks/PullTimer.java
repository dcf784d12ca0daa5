package dev.containerv.benchmarks;

import dev.containerv.images.Image;
import dev.containerv.images.ImageStore;
import dev.containerv.images.PullProgress;
import dev.containerv.spi.FileTrees;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Times {@link ImageStore#pull} of one image into an empty store (a cold layer cache) for {@code compare-pull.sh}:
 * {@code java -cp benchmarks.jar dev.containerv.benchmarks.PullTimer REF DIR RUNS} pulls {@code RUNS} times in
 * this one JVM, each into a new store under {@code DIR} that is removed after it is timed, and prints one line
 * per pull: the milliseconds from building the store to the pull's return (download, verification, unpacking).
 * With {@code RUNS} 1 the store is kept, for the script to look at and remove. With {@code RUNS} {@code -}, it pulls
 * once for each line read from standard input and answers each with its line, so the script can interleave the
 * pulls of a long-running JVM with the other tools' runs.
 */
public final class PullTimer {
    private PullTimer() {
    }

    /** See the class comment. */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: PullTimer REF DIR RUNS   (pulls REF RUNS times, each into a new store under DIR)");
            System.exit(2);
        }
        String ref = args[0];
        Path dir = Files.createDirectories(Path.of(args[1]));
        if (args[2].equals("-")) {
            var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (int i = 0; in.readLine() != null; i++) {
                FileTrees.deleteTree(pullOnce(ref, dir.resolve("store-" + i)));
            }
            return;
        }
        int runs = Integer.parseInt(args[2]);
        for (int i = 0; i < runs; i++) {
            Path root = pullOnce(ref, dir.resolve("store-" + i));
            if (runs > 1) {
                FileTrees.deleteTree(root);
            }
        }
    }

    private static Path pullOnce(String ref, Path root) {
        long start = System.nanoTime();
        Image image = ImageStore.builder().root(root).build().pull(ref, PullProgress.NONE);
        long nanos = System.nanoTime() - start;
        System.out.printf("%.3f %d%n", nanos / 1e6, image.layers().size());
        System.out.flush();
        return root;
    }
}
