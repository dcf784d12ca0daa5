package dev.containerv.cli;

import java.io.PrintStream;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Sets up java.util.logging, the backend of {@link System.Logger}, for the command line: warnings only by default
 * (a command's output should be its own), {@code INFO} with {@code -v} (what containerv did: containers made and
 * destroyed, copies, exits, with times), everything ({@code DEBUG}, {@code TRACE}) with {@code -vv}; one line per record
 * on standard error.
 */
final class Logging {
    private Logging() {
    }

    /** Applies the level for {@code verbosity} (the number of {@code -v}) and sends records to {@code err}. */
    static void configure(int verbosity, PrintStream err) {
        Level level = verbosity <= 0 ? Level.WARNING : verbosity == 1 ? Level.INFO : Level.ALL;
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (isLoggable(record)) {
                    err.print(getFormatter().format(record));
                    err.flush();
                }
            }

            @Override
            public void flush() {
                err.flush();
            }

            @Override
            public void close() {
                flush();
            }
        };
        handler.setFormatter(new OneLine());
        handler.setLevel(level);
        root.addHandler(handler);
        root.setLevel(level);
    }

    /** {@code containerv[DEBUG] logger: message}, then the stack trace if there is one. */
    static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord record) {
            StringBuilder sb = new StringBuilder("containerv[").append(levelName(record.getLevel())).append("] ")
                    .append(record.getLoggerName()).append(": ").append(Printable.safe(formatMessage(record))).append(System.lineSeparator());
            if (record.getThrown() != null) {
                java.io.StringWriter trace = new java.io.StringWriter();
                record.getThrown().printStackTrace(new java.io.PrintWriter(trace));
                sb.append(Printable.safeLayout(trace.toString()));
            }
            return sb.toString();
        }

        /** The System.Logger names, which is what our code logs with. */
        private static String levelName(Level level) {
            int v = level.intValue();
            if (v >= Level.SEVERE.intValue()) {
                return "ERROR";
            } else if (v >= Level.WARNING.intValue()) {
                return "WARNING";
            } else if (v >= Level.INFO.intValue()) {
                return "INFO";
            } else if (v >= Level.FINE.intValue()) {
                return "DEBUG";
            }
            return "TRACE";
        }
    }
}
