package io.github.lstmc.compiler.emit.java;

/** Text that goes into generated Java source: exact float literals and sanitized comment text. */
public final class JavaText {
    /** Longest user text kept in a comment. */
    static final int MAX_COMMENT_TEXT = 200;

    private JavaText() {
    }

    /**
     * An exact float literal: the hexadecimal form {@code 0x1.8p-3f} ({@link Float#toHexString} is
     * specified exactly, unlike {@link Float#toString}, whose output changed in JDK 19), so the
     * generated file is the same whatever JDK runs the compiler.
     *
     * @throws IllegalArgumentException for NaN and infinities, which have no literal
     */
    public static String floatLiteral(float v) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException("no literal for " + v);
        }
        return Float.toHexString(v) + "f";
    }

    /**
     * Makes untrusted text (a model name) safe inside a comment: only printable ASCII is kept
     * (everything else becomes '?', which also defeats unicode escapes' effect on comments since
     * backslashes go too), {@code "*}{@code /"} cannot appear, and the text is cut to
     * {@value #MAX_COMMENT_TEXT} characters.
     */
    public static String commentSafe(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length() && b.length() < MAX_COMMENT_TEXT; i++) {
            char c = text.charAt(i);
            boolean printable = c >= 0x20 && c < 0x7f && c != '\\' && c != '@' && c != '<' && c != '>' && c != '&';
            char out = printable ? c : '?';
            if (out == '/' && b.length() > 0 && b.charAt(b.length() - 1) == '*') {
                b.append(' ');
            }
            b.append(out);
        }
        return b.toString();
    }

    /**
     * A string literal of packed weight characters (U+0000..U+007F): printable ASCII as itself,
     * quote and backslash escaped, other characters as three-digit octal escapes (backslash 001), never
     * as unicode escapes (javac translates those before lexing, so backslash u000a would end the
     * line) and never split into a concatenation.
     */
    public static String packedLiteral(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0x7f) {
                throw new IllegalArgumentException("packed text holds U+" + Integer.toHexString(c));
            }
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7f) {
                b.append(c);
            } else {
                b.append('\\').append((char) ('0' + (c >> 6))).append((char) ('0' + (c >> 3 & 7)))
                        .append((char) ('0' + (c & 7)));
            }
        }
        return b.append('"').toString();
    }
}
