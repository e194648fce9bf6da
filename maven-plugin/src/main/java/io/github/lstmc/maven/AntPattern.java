package io.github.lstmc.maven;

import java.util.regex.Pattern;

/**
 * An Ant-style path pattern as Maven users write them in {@code <includes>}: {@code *} matches
 * within one path segment, {@code ?} one character, and {@code **} any number of segments
 * (including none, so {@code **}{@code /*.onnx} matches {@code a.onnx} at the top level too).
 * Paths are relative and '/'-separated.
 */
final class AntPattern {
    private final String text;
    private final Pattern regex;

    private AntPattern(String text, Pattern regex) {
        this.text = text;
        this.regex = regex;
    }

    /** Parses {@code pattern}; a backslash is read as a separator so Windows-style patterns work. */
    static AntPattern of(String pattern) {
        String p = pattern.trim().replace('\\', '/');
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (p.endsWith("/")) {
            // Ant's convention: "dir/" means everything below dir.
            p = p + "**";
        }
        StringBuilder re = new StringBuilder();
        int i = 0;
        while (i < p.length()) {
            char ch = p.charAt(i);
            if (p.startsWith("**/", i)) {
                re.append("(?:.*/)?");
                i += 3;
            } else if (p.startsWith("**", i)) {
                re.append(".*");
                i += 2;
            } else if (ch == '*') {
                re.append("[^/]*");
                i++;
            } else if (ch == '?') {
                re.append("[^/]");
                i++;
            } else {
                re.append(Pattern.quote(String.valueOf(ch)));
                i++;
            }
        }
        return new AntPattern(pattern, Pattern.compile(re.toString()));
    }

    /** True if the relative, '/'-separated {@code path} matches. */
    boolean matches(String path) {
        return regex.matcher(path).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
