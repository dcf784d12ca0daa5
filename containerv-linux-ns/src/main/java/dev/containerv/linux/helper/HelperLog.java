package dev.containerv.linux.helper;

/**
 * The cause of a failed create: what the helper wrote into its log ({@code helper.log} of the state directory, which
 * the failed create removes), so that it is not lost unseen. Its message is the end of the log on one line.
 */
public final class HelperLog extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param tail the end of the log, as {@link InitLauncher#tail} gives it */
    public HelperLog(String tail) {
        super("the helper's log (removed with the state directory): " + tail, null, false, false);
    }
}
