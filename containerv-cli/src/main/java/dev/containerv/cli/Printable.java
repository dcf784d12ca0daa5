package dev.containerv.cli;

/**
 * Makes text that came from a container safe to print on a terminal. A process name, a path or an error
 * message chosen inside a container could otherwise carry escape sequences that retitle the window, move
 * the cursor, hide lines or (on some terminals) answer back with input. Every control character (C0,
 * DEL, C1) and every invisible formatting character (bidirectional overrides, zero-width marks) is shown
 * as an escape instead: {@code \n}, {@code \r}, {@code \t}, {@code \e}, else {@code \xHH} below U+0100 and
 * a backslash, {@code u} and four hex digits above. Everything else, backslashes included, is printed as it is.
 */
final class Printable {
    private Printable() {
    }

    /** {@code text} with its control and formatting characters escaped; {@code null} becomes "null". */
    static String safe(String text) {
        return safe(text, false);
    }

    /**
     * As {@link #safe(String)}, but line breaks and tabs stay as they are: for messages of several lines
     * (the runtime-selection failure lists one provider a line) and stack traces.
     */
    static String safeLayout(String text) {
        return safe(text, true);
    }

    private static String safe(String text, boolean keepLayout) {
        if (text == null) {
            return "null";
        }
        int i = 0;
        while (i < text.length() && !needsEscape(text.charAt(i), keepLayout)) {
            i++;
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length() + 16).append(text, 0, i);
        for (; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (!needsEscape(ch, keepLayout)) {
                sb.append(ch);
                continue;
            }
            switch (ch) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 0x1b -> sb.append("\\e");
                default -> sb.append(ch < 0x100 ? String.format("\\x%02x", (int) ch) : String.format("\\u%04x", (int) ch));
            }
        }
        return sb.toString();
    }

    private static boolean needsEscape(char ch, boolean keepLayout) {
        if (Character.isISOControl(ch)) {
            return !(keepLayout && (ch == '\n' || ch == '\t'));
        }
        // FORMAT: bidi overrides and isolates, zero-width joiners, the BOM: text that prints reordered or unseen.
        return Character.getType(ch) == Character.FORMAT;
    }
}
