package io.github.lstmc.compiler;

import java.util.Locale;
import java.util.Set;

/** Validation and derivation of the Java names lstmc writes into generated code. */
public final class JavaNames {
    private static final Set<String> RESERVED = Set.of(
            "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const",
            "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally", "float",
            "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long", "native",
            "new", "package", "private", "protected", "public", "return", "short", "static", "strictfp",
            "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try", "void",
            "volatile", "while", "true", "false", "null", "var", "yield", "record", "sealed", "permits",
            "non-sealed", "_");

    private JavaNames() {
    }

    /** True if {@code name} is a Java identifier that is not a keyword or literal. */
    public static boolean isIdentifier(String name) {
        if (name == null || name.isEmpty() || RESERVED.contains(name)) {
            return false;
        }
        if (!Character.isJavaIdentifierStart(name.codePointAt(0))) {
            return false;
        }
        return name.codePoints().allMatch(Character::isJavaIdentifierPart)
                && name.codePoints().noneMatch(Character::isIdentifierIgnorable);
    }

    /** True if {@code name} is a dotted sequence of identifiers (the empty string is not a valid package here). */
    public static boolean isPackageName(String name) {
        if (name == null || name.isEmpty() || name.startsWith(".") || name.endsWith(".")) {
            return false;
        }
        for (String part : name.split("\\.", -1)) {
            if (!isIdentifier(part)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The default class name for a model file: its base name without extension in UpperCamelCase,
     * e.g. {@code speech_tagger.safetensors} gives {@code SpeechTagger}. Characters that cannot be
     * in an identifier separate words; a leading digit gets a {@code Model} prefix.
     */
    public static String classNameFor(String fileName) {
        String base = fileName;
        int slash = Math.max(base.lastIndexOf('/'), base.lastIndexOf('\\'));
        base = base.substring(slash + 1);
        int dot = base.indexOf('.');
        if (dot > 0) {
            base = base.substring(0, dot);
        }
        StringBuilder out = new StringBuilder();
        boolean upper = true;
        for (int i = 0; i < base.length(); i++) {
            char ch = base.charAt(i);
            if (ch < 128 && Character.isLetterOrDigit(ch)) {
                out.append(upper ? Character.toUpperCase(ch) : ch);
                upper = false;
            } else {
                upper = true;
            }
        }
        String name = out.length() == 0 ? "Model" : out.toString();
        if (Character.isDigit(name.charAt(0))) {
            name = "Model" + name;
        }
        return isIdentifier(name) ? name : name + "Model";
    }

    /** {@code name} lower-cased for messages. */
    static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
