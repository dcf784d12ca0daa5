package dev.containerv.cli;

/** The entry point of the {@code containerv} command: {@code java -jar containerv-cli.jar --help}. */
public final class Main {
    private Main() {
    }

    /**
     * Runs the command line and exits with its code (see {@code docs/cli.md} for the table).
     *
     * @param args the command line, such as {@code run -- /bin/sh -c 'hostname; ps'}
     */
    public static void main(String[] args) {
        CliContext context = CliContext.system();
        int code = Cli.execute(context, args);
        context.out().flush();
        context.err().flush();
        System.exit(code);
    }
}
