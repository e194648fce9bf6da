package io.github.lstmc.compiler;

/**
 * A problem with user input (a model file, a config, an argument) that lstmc reports as one
 * line naming the file and the field, e.g. {@code model.safetensors: tensor 'weight_hh_l0' must be
 * [64, 16], got [64, 15]}. The CLI prints it after {@code error: } and exits with status 2.
 */
public class LstmcException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Longest message kept; a crafted name of megabytes must not become a megabyte error line. */
    static final int MAX_MESSAGE_LENGTH = 2000;

    /**
     * @param message the problem, naming the file; line breaks and other control characters in it
     *                (e.g. from a crafted tensor name) are escaped as {@code \n}, {@code \}{@code uXXXX},
     *                so the message is always one line
     */
    public LstmcException(String message) {
        super(oneLine(message));
    }

    public LstmcException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** {@code message} as one printable line of at most {@value #MAX_MESSAGE_LENGTH} characters. */
    static String oneLine(String message) {
        if (message == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(Math.min(message.length(), MAX_MESSAGE_LENGTH) + 16);
        for (int i = 0; i < message.length(); i++) {
            if (b.length() >= MAX_MESSAGE_LENGTH) {
                b.append("... (").append(message.length() - i).append(" more characters)");
                break;
            }
            char c = message.charAt(i);
            if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
