package io.github.lstmc.compiler.run;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.github.lstmc.compiler.LstmcException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON reading and writing shared by {@link RunInput} and {@link RunOutput}: strict parsing of
 * rectangular float arrays with errors that name the file and the element path, and a
 * deterministic writer whose numbers parse back to the same float32.
 *
 * <p>Reading builds a small tree of plain Java values ({@link Map}, {@link List}, {@link Num},
 * {@link String}, {@link Boolean}, {@link #NULL}) that keeps each number's source text: a float
 * is then converted once, correctly rounded, with {@link Float#parseFloat}, and {@code -0.0}
 * keeps its sign (a BigDecimal would lose it, a double could round twice).
 */
final class RunJson {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** The JSON {@code null} in the tree (Java null means "absent"). */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** A JSON number with its exact source text. */
    record Num(String text, boolean integral) {
    }

    /** Written in place of non-finite values, which JSON numbers cannot express. */
    static final String NAN = "NaN";
    static final String POSITIVE_INFINITY = "Infinity";
    static final String NEGATIVE_INFINITY = "-Infinity";

    private RunJson() {
    }

    /** Parses {@code file} and checks that it is an object whose keys are all in {@code allowed}. */
    static Map<String, Object> readObject(Path file, Set<String> allowed) throws LstmcException {
        String name = name(file);
        Object root;
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new LstmcException(name + ": is not a regular file (a device, pipe or socket?)");
        }
        try (InputStream in = Files.newInputStream(file); JsonParser parser = FACTORY.createParser(in)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new LstmcException(name + ": expected a JSON object at the top level, found nothing");
            }
            root = value(parser, first);
            if (parser.nextToken() != null) {
                JsonLocation at = parser.currentTokenLocation();
                throw new LstmcException(name + ": invalid JSON at line " + at.getLineNr() + ", column "
                        + at.getColumnNr() + ": unexpected content after the top-level value");
            }
        } catch (NoSuchFileException e) {
            throw new LstmcException(name + ": file not found");
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new LstmcException(name + ": invalid JSON" + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new LstmcException(name + ": cannot read: " + e.getMessage(), e);
        }
        if (!(root instanceof Map)) {
            throw new LstmcException(name + ": expected a JSON object at the top level, found " + kind(root));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) root;
        for (String key : object.keySet()) {
            if (!allowed.contains(key)) {
                throw new LstmcException(name + ": unknown field '" + key + "' (expected "
                        + String.join(", ", sorted(allowed)) + ")");
            }
        }
        return object;
    }

    private static Object value(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT: {
                Map<String, Object> object = new LinkedHashMap<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String key = parser.currentName();
                    object.put(key, value(parser, parser.nextToken()));
                }
                return object;
            }
            case START_ARRAY: {
                List<Object> array = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    array.add(value(parser, t));
                }
                return array;
            }
            case VALUE_NUMBER_INT:
                return new Num(parser.getText(), true);
            case VALUE_NUMBER_FLOAT:
                return new Num(parser.getText(), false);
            case VALUE_STRING:
                return parser.getText();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return NULL;
            default:
                throw new JsonParseError(parser, "unexpected token " + token);
        }
    }

    /** A structural parse error with the parser's location. */
    private static final class JsonParseError extends com.fasterxml.jackson.core.JsonParseException {
        private static final long serialVersionUID = 1L;

        JsonParseError(JsonParser parser, String message) {
            super(parser, message);
        }
    }

    /** True when {@code value} is absent or JSON null. */
    static boolean absent(Object value) {
        return value == null || value == NULL;
    }

    /**
     * A rectangular {@code [a][b][c]} float array.
     *
     * @param dims       names of the three axes, for messages (e.g. "batch rows", "steps", "features")
     * @param perEntryWidth whether the innermost length may differ between outer entries (state
     *                   entries of layers with different sizes); it is still equal within one entry
     * @param allowNonFinite whether the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} are accepted
     */
    static float[][][] floats3(String file, String field, Object node, String[] dims, boolean perEntryWidth,
                               boolean allowNonFinite) throws LstmcException {
        List<?> outer = elements(file, field, node, dims[0]);
        float[][][] result = new float[outer.size()][][];
        int second = -1;
        int third = -1;
        for (int i = 0; i < result.length; i++) {
            String path = field + "[" + i + "]";
            if (perEntryWidth) {
                third = -1;
            }
            List<?> middle = elements(file, path, outer.get(i), dims[1]);
            if (second < 0) {
                second = middle.size();
            } else if (middle.size() != second) {
                throw new LstmcException(file + ": " + path + " has " + middle.size() + " " + dims[1]
                        + ", expected " + second + " like " + field + "[0]");
            }
            result[i] = new float[middle.size()][];
            for (int j = 0; j < middle.size(); j++) {
                String rowPath = path + "[" + j + "]";
                List<?> inner = elements(file, rowPath, middle.get(j), dims[2]);
                if (third < 0) {
                    third = inner.size();
                } else if (inner.size() != third) {
                    throw new LstmcException(file + ": " + rowPath + " has " + inner.size() + " " + dims[2]
                            + ", expected " + third + " like " + field + "[" + (perEntryWidth ? i : 0) + "][0]");
                }
                float[] row = new float[inner.size()];
                for (int k = 0; k < row.length; k++) {
                    row[k] = floatValue(file, rowPath + "[" + k + "]", inner.get(k), allowNonFinite);
                }
                result[i][j] = row;
            }
        }
        return result;
    }

    /** True when {@code node} is an array whose first element is an array whose first element is a number. */
    static boolean isMatrixOfNumbers(Object node) {
        return node instanceof List<?> outer && !outer.isEmpty() && outer.get(0) instanceof List<?> inner
                && !inner.isEmpty() && inner.get(0) instanceof Num;
    }

    /** A rectangular {@code [a][b]} array of integers, each at least 0 (token ids). */
    static int[][] ints2(String file, String field, Object node, String[] dims) throws LstmcException {
        List<?> outer = elements(file, field, node, dims[0]);
        int[][] result = new int[outer.size()][];
        for (int i = 0; i < result.length; i++) {
            String path = field + "[" + i + "]";
            List<?> inner = elements(file, path, outer.get(i), dims[1]);
            if (i > 0 && inner.size() != result[0].length) {
                throw new LstmcException(file + ": " + path + " has " + inner.size() + " " + dims[1] + ", expected "
                        + result[0].length + " like " + field + "[0]");
            }
            result[i] = new int[inner.size()];
            for (int j = 0; j < inner.size(); j++) {
                result[i][j] = intValue(file, path + "[" + j + "]", inner.get(j), 0, Integer.MAX_VALUE);
            }
        }
        return result;
    }

    /** A non-empty JSON array's elements. */
    static List<?> elements(String file, String path, Object node, String what) throws LstmcException {
        if (!(node instanceof List<?> list)) {
            throw new LstmcException(file + ": " + path + " must be an array of " + what + ", found " + kind(node));
        }
        if (list.isEmpty()) {
            throw new LstmcException(file + ": " + path + " must have at least one of its " + what);
        }
        return list;
    }

    private static float floatValue(String file, String path, Object node, boolean allowNonFinite)
            throws LstmcException {
        if (allowNonFinite && node instanceof String text) {
            switch (text) {
                case NAN:
                    return Float.NaN;
                case POSITIVE_INFINITY:
                    return Float.POSITIVE_INFINITY;
                case NEGATIVE_INFINITY:
                    return Float.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        if (!(node instanceof Num number)) {
            throw new LstmcException(file + ": " + path + " must be a number, found " + kind(node));
        }
        float value = Float.parseFloat(number.text());
        if (!Float.isFinite(value)) {
            throw new LstmcException(file + ": " + path + " is " + number.text() + ", outside the float32 range");
        }
        return value;
    }

    /** An integer in {@code [min, max]}. */
    static int intValue(String file, String path, Object node, int min, int max) throws LstmcException {
        if (!(node instanceof Num number) || !number.integral()) {
            throw new LstmcException(file + ": " + path + " must be an integer, found "
                    + (node instanceof Num number ? number.text() : kind(node)));
        }
        long value;
        try {
            value = Long.parseLong(number.text());
        } catch (NumberFormatException e) {
            value = number.text().startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        if (value < min || value > max) {
            throw new LstmcException(file + ": " + path + " is " + number.text() + ", expected " + min + ".." + max);
        }
        return (int) value;
    }

    static String kind(Object node) {
        if (node instanceof List) {
            return "an array";
        } else if (node instanceof Map) {
            return "an object";
        } else if (node instanceof String) {
            return "a string";
        } else if (node instanceof Boolean) {
            return "a boolean";
        } else if (node instanceof Num) {
            return "a number";
        }
        return "null";
    }

    static String name(Path file) {
        Path fileName = file.getFileName();
        return fileName == null ? file.toString() : fileName.toString();
    }

    private static List<String> sorted(Set<String> keys) {
        List<String> list = new ArrayList<>(keys);
        list.sort(null);
        return list;
    }

    // ------------------------------------------------------------------ writing

    /**
     * Writes an {@code [a][b][c]} array as the value of a top-level key: the innermost rows on one
     * line, indented to sit inside the object of {@link RunOutput#writeTo}. Float text is {@link Float#toString(float)}, which parses back to the
     * same float; non-finite values are written as the strings {@value #NAN}, {@value #POSITIVE_INFINITY}
     * and {@value #NEGATIVE_INFINITY}.
     */
    static void writeFloats3(Writer out, float[][][] values) throws IOException {
        out.write("[\n");
        for (int i = 0; i < values.length; i++) {
            out.write("    [\n");
            for (int j = 0; j < values[i].length; j++) {
                out.write("      [");
                float[] row = values[i][j];
                for (int k = 0; k < row.length; k++) {
                    if (k > 0) {
                        out.write(", ");
                    }
                    out.write(floatText(row[k]));
                }
                out.write(j + 1 < values[i].length ? "],\n" : "]\n");
            }
            out.write(i + 1 < values.length ? "    ],\n" : "    ]\n");
        }
        out.write("  ]");
    }

    /** Writes {@code [a][b]} with each row on one line. */
    static void writeFloats2(Writer out, float[][] values) throws IOException {
        out.write("[\n");
        for (int i = 0; i < values.length; i++) {
            out.write("    [");
            writeRow(out, values[i]);
            out.write(i + 1 < values.length ? "],\n" : "]\n");
        }
        out.write("  ]");
    }

    /** Writes {@code [a]} on one line. */
    static void writeFloats1(Writer out, float[] values) throws IOException {
        out.write("[");
        writeRow(out, values);
        out.write("]");
    }

    private static void writeRow(Writer out, float[] row) throws IOException {
        for (int k = 0; k < row.length; k++) {
            if (k > 0) {
                out.write(", ");
            }
            out.write(floatText(row[k]));
        }
    }

    static String floatText(float value) {
        if (Float.isNaN(value)) {
            return "\"" + NAN + "\"";
        }
        if (Float.isInfinite(value)) {
            return "\"" + (value > 0 ? POSITIVE_INFINITY : NEGATIVE_INFINITY) + "\"";
        }
        return Float.toString(value);
    }
}
