package dev.containerv.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** How sizes, times and tables are printed. */
final class Units {
    private static final String[] BINARY = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Units() {
    }

    /** {@code 512 B}, {@code 1.5 KiB}, {@code 12.0 MiB}. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double v = n;
        int unit = 0;
        while (v >= 1024 && unit < BINARY.length - 1) {
            v /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, BINARY[unit]);
    }

    /** CPU time as seconds with two decimals ({@code 0.03s}), or {@code 1:02:03} from an hour on. */
    static String cpuTime(long nanos) {
        double seconds = nanos / 1e9;
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%.2fs", seconds);
        }
        long s = (long) seconds;
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    /** Prints rows in columns two spaces apart; the last column is not padded. */
    static void printTable(PrintStream out, List<String[]> rows, boolean[] rightAligned) {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                String cell = row[i];
                String pad = " ".repeat(width[i] - cell.length());
                boolean last = i == columns - 1;
                if (rightAligned[i]) {
                    line.append(pad).append(cell);
                } else {
                    line.append(cell).append(last ? "" : pad);
                }
                if (!last) {
                    line.append("  ");
                }
            }
            out.println(line);
        }
    }
}
