package dev.containerv.benchmarks;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerSpec;
import dev.containerv.images.Image;
import dev.containerv.images.ImageStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Creating a container from a cached image against creating it from a plain directory root, measured in
 * <em>interleaved pairs</em> (directory then image, image then directory, alternately), so that the load of a shared
 * machine, which drifts over seconds, falls on both sides alike; JMH's {@link ImageRootBenchmark} runs one side after
 * the other. Only {@code create} is timed (the image side includes the store lookup); each container is destroyed
 * outside the time, then 20 ms ({@code -Dcontainerv.bench.pauseMs}) pass before the next create. Prints the medians and the median of the paired
 * differences (issue 17 asks for at most 2 ms). {@code java -cp benchmarks.jar dev.containerv.benchmarks.ImageCreateComparison [PAIRS]}.
 */
public final class ImageCreateComparison {
    private static final int WARM_UP = 20;
    /** Milliseconds between a destroy and the next create ({@code -Dcontainerv.bench.pauseMs}, default 20). */
    private static final long PAUSE_MS = Long.getLong("containerv.bench.pauseMs", 20);

    private ImageCreateComparison() {
    }

    public static void main(String[] args) throws Exception {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 150;
        // The same busybox root, app layer and image store as ImageRootBenchmark's.
        ImageRootBenchmark.Roots roots = new ImageRootBenchmark.Roots();
        roots.build();
        try {
            ContainerRuntime runtime = roots.runtime;
            ImageStore store = roots.store;
            Path rootfs = roots.rootfs;
            long[] directory = new long[pairs];
            long[] image = new long[pairs];
            for (int i = -WARM_UP; i < pairs; i++) {
                boolean imageFirst = (i & 1) == 1;
                long first = create(runtime, store, rootfs, imageFirst);
                long second = create(runtime, store, rootfs, !imageFirst);
                if (i >= 0) {
                    image[i] = imageFirst ? first : second;
                    directory[i] = imageFirst ? second : first;
                }
            }
            long[] difference = new long[pairs];
            for (int i = 0; i < pairs; i++) {
                difference[i] = image[i] - directory[i];
            }
            Arrays.sort(directory);
            Arrays.sort(image);
            Arrays.sort(difference);
            System.out.println(String.format(Locale.ROOT, "{\"pairs\":%d,\"directory\":%.3f,\"image\":%.3f,\"difference\":%.3f,\"p25\":%.3f,\"p75\":%.3f}",
                    pairs, ms(directory[pairs / 2]), ms(image[pairs / 2]), ms(difference[pairs / 2]), ms(difference[pairs / 4]),
                    ms(difference[3 * pairs / 4])));
        } finally {
            roots.remove();
        }
    }

    /** Nanoseconds of one create; the container is destroyed after the clock stops. */
    private static long create(ContainerRuntime runtime, ImageStore store, Path rootfs, boolean fromImage)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        ContainerSpec spec;
        if (fromImage) {
            Image image = store.find(ImageRootBenchmark.Roots.NAME).orElseThrow();
            spec = ContainerSpec.builder().rootfsLayers(image.layerDirs()).build();
        } else {
            spec = ContainerSpec.builder().rootfs(rootfs).build();
        }
        Container c = runtime.create(spec);
        long took = System.nanoTime() - start;
        c.close();
        Thread.sleep(PAUSE_MS);
        return took;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
