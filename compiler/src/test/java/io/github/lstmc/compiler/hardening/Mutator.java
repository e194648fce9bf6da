package io.github.lstmc.compiler.hardening;

import static io.github.lstmc.compiler.load.safetensors.SafetensorsWriter.concat;
import static io.github.lstmc.compiler.load.safetensors.SafetensorsWriter.lengthPrefix;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seeded mutations of valid model files, the poor man's coverage-free fuzzer: generic byte
 * mutations (bit flips, inserts, deletes, truncation, chunk duplication, "interesting" bytes) plus
 * format-aware ones that get past the first sanity checks and reach deeper code: safetensors
 * header-length tampering and header JSON value swaps, JSON value swaps, and protobuf field
 * tampering on the parsed ONNX message (via protobuf reflection, so every field of every nested
 * message is a target).
 *
 * <p>Everything is drawn from the {@link Random} given at construction, so an input is reproduced
 * from its seed alone.
 */
final class Mutator {
    /** JSON tokens: strings, numbers, literals. */
    private static final Pattern JSON_TOKEN = Pattern.compile(
            "\"(?:[^\"\\\\]|\\\\.)*\"|-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?|true|false|null");

    /** Replacement JSON values that probe sizes, types and escaping. */
    private static final String[] JSON_VALUES = {
        "0", "-1", "1", "2", "3", "7", "2147483647", "2147483648", "-2147483648", "4294967296",
        "9223372036854775807", "18446744073709551615", "99999999999999999999999999", "1e308", "1e39",
        "-1e39", "0.5", "-0.0", "1.5", "NaN", "Infinity", "\"\"", "\"F32\"", "\"F64\"", "\"I8\"", "\"BOOL\"",
        "\"F16\"", "\"Relu\"", "\"Sigmoid\"", "\"Tanh\"", "\"Gelu\"", "\"Bogus\"", "\"*/ class X {} /*\"",
        "\"\\u002a/\"", "\"a\\nb\"", "\"\\u0000\"", "null", "true", "false", "[]", "{}", "[0]", "[1, 2, 3]",
        "[1000000000, 1000000000]", "[0, 4294967296]", "[3, 4]", "[[1]]", "{\"a\": 1}",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    };

    private static final long[] INTEGERS = {
        0, 1, -1, 2, 3, 4, 7, 8, 255, 65535, Integer.MAX_VALUE, Integer.MIN_VALUE, 1L << 31, 1L << 32,
        1L << 40, Long.MAX_VALUE, Long.MIN_VALUE, 1_000_000_000L, 3_000_000_000L,
    };

    private static final float[] FLOATS = {
        0f, -0f, 1f, -1f, 0.5f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE,
        Float.MIN_VALUE, 1e30f,
    };

    private static final String[] STRINGS = {
        "", "LSTM", "X", "W", "R", "B", "Y", "Y_h", "Y_c", "Relu", "Tanh", "Sigmoid", "Affine", "Bogus", "forward",
        "reverse", "bidirectional", "hidden_size", "activations", "clip", "layout", "direction", "input_forget",
        "Identity", "Transpose", "Squeeze", "Constant", "*/", "\\u002a/", "a\nb", "\u0000", "ai.onnx",
        "x".repeat(10_000),
    };

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final Random rnd;

    Mutator(Random rnd) {
        this.rnd = rnd;
    }

    // ---------------------------------------------------------------- generic bytes

    /** One to three stacked generic byte mutations. */
    byte[] bytes(byte[] in) {
        byte[] out = in;
        int rounds = 1 + rnd.nextInt(3);
        for (int r = 0; r < rounds; r++) {
            out = oneByteMutation(out);
        }
        return out;
    }

    private byte[] oneByteMutation(byte[] in) {
        if (in.length == 0) {
            return randomBytes(1 + rnd.nextInt(16));
        }
        switch (rnd.nextInt(8)) {
            case 0: { // bit flips
                byte[] out = in.clone();
                int flips = 1 + rnd.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    int at = rnd.nextInt(out.length);
                    out[at] ^= (byte) (1 << rnd.nextInt(8));
                }
                return out;
            }
            case 1: { // interesting byte values
                byte[] out = in.clone();
                byte[] interesting = {0, (byte) 0xff, 0x7f, (byte) 0x80, 1, '"', '[', '{', '\\', '\n'};
                out[rnd.nextInt(out.length)] = interesting[rnd.nextInt(interesting.length)];
                return out;
            }
            case 2: { // insert random bytes
                int at = rnd.nextInt(in.length + 1);
                byte[] extra = randomBytes(1 + rnd.nextInt(16));
                return splice(in, at, at, extra);
            }
            case 3: { // delete a range
                int from = rnd.nextInt(in.length);
                int to = Math.min(in.length, from + 1 + rnd.nextInt(Math.max(1, in.length / 8)));
                return splice(in, from, to, new byte[0]);
            }
            case 4: // truncate
                return Arrays.copyOf(in, rnd.nextInt(in.length));
            case 5: { // duplicate a chunk elsewhere
                int from = rnd.nextInt(in.length);
                int to = Math.min(in.length, from + 1 + rnd.nextInt(64));
                int at = rnd.nextInt(in.length + 1);
                return splice(in, at, at, Arrays.copyOfRange(in, from, to));
            }
            case 6: { // overwrite 4 or 8 bytes with an interesting little-endian integer
                int width = rnd.nextBoolean() ? 4 : 8;
                if (in.length < width) {
                    return in;
                }
                byte[] out = in.clone();
                ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
                int at = rnd.nextInt(in.length - width + 1);
                long v = INTEGERS[rnd.nextInt(INTEGERS.length)];
                if (width == 4) {
                    b.putInt(at, (int) v);
                } else {
                    b.putLong(at, v);
                }
                return out;
            }
            default: // empty or random file
                return rnd.nextInt(4) == 0 ? new byte[0] : randomBytes(1 + rnd.nextInt(256));
        }
    }

    // ---------------------------------------------------------------- JSON

    /** Swaps one to three JSON values (by token) for probing values or for other tokens of the document. */
    String json(String text) {
        String out = text;
        int rounds = 1 + rnd.nextInt(3);
        for (int r = 0; r < rounds; r++) {
            List<int[]> tokens = new ArrayList<>();
            Matcher m = JSON_TOKEN.matcher(out);
            while (m.find()) {
                tokens.add(new int[] {m.start(), m.end()});
            }
            if (tokens.isEmpty()) {
                return out;
            }
            int[] t = tokens.get(rnd.nextInt(tokens.size()));
            String replacement;
            if (rnd.nextInt(4) == 0) {
                int[] other = tokens.get(rnd.nextInt(tokens.size()));
                replacement = out.substring(other[0], other[1]);
            } else {
                replacement = JSON_VALUES[rnd.nextInt(JSON_VALUES.length)];
            }
            out = out.substring(0, t[0]) + replacement + out.substring(t[1]);
        }
        return out;
    }

    /** JSON value swaps most of the time, else generic byte mutations of the UTF-8 text. */
    byte[] jsonFile(byte[] in) {
        if (rnd.nextInt(3) > 0) {
            return json(new String(in, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        }
        return bytes(in);
    }

    // ---------------------------------------------------------------- safetensors

    /**
     * A safetensors mutation: the header's JSON values swapped (length prefix fixed up, or not),
     * the header length tampered, or generic bytes.
     */
    byte[] safetensors(byte[] in) {
        if (in.length < 8) {
            return bytes(in);
        }
        long headerLength = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        boolean sane = headerLength >= 0 && headerLength <= in.length - 8;
        switch (rnd.nextInt(6)) {
            case 4:
            case 5:
                return sane ? tensors(in, (int) headerLength) : bytes(in);
            case 0:
            case 1: {
                if (!sane) {
                    return bytes(in);
                }
                String header = new String(in, 8, (int) headerLength, StandardCharsets.UTF_8);
                byte[] newHeader = json(header).getBytes(StandardCharsets.UTF_8);
                byte[] data = Arrays.copyOfRange(in, 8 + (int) headerLength, in.length);
                long length = rnd.nextInt(5) == 0 ? headerLength : newHeader.length;
                return concat(lengthPrefix(length), newHeader, data);
            }
            case 2: {
                long[] lengths = {0, 1, headerLength - 1, headerLength + 1, in.length - 8, in.length, -1,
                    Long.MAX_VALUE, 100_000_000L, 100_000_001L, 1L << 32};
                byte[] out = in.clone();
                ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, lengths[rnd.nextInt(lengths.length)]);
                return out;
            }
            default:
                return bytes(in);
        }
    }

    /**
     * A well-formed safetensors file with one to three tensor-level changes — a tensor dropped,
     * renamed, duplicated under another layer's name, reshaped, retyped, or given a non-finite or
     * huge value — and the offsets rebuilt to tile the data section, so the change reaches the
     * loader's own checks instead of stopping at the reader's.
     */
    byte[] tensors(byte[] in, int headerLength) {
        com.fasterxml.jackson.databind.node.ObjectNode header;
        try {
            header = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(
                    new String(in, 8, headerLength, StandardCharsets.UTF_8));
        } catch (IOException | ClassCastException e) {
            return bytes(in);
        }
        Map<String, StoredTensor> tensors = new java.util.LinkedHashMap<>();
        com.fasterxml.jackson.databind.JsonNode metadata = header.get("__metadata__");
        for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e : header.properties()) {
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            com.fasterxml.jackson.databind.JsonNode t = e.getValue();
            long[] shape = new long[t.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.get("shape").get(i).longValue();
            }
            int begin = 8 + headerLength + t.get("data_offsets").get(0).intValue();
            int end = 8 + headerLength + t.get("data_offsets").get(1).intValue();
            tensors.put(e.getKey(), new StoredTensor(t.get("dtype").asText(), shape, Arrays.copyOfRange(in, begin, end)));
        }
        if (tensors.isEmpty()) {
            return bytes(in);
        }
        int rounds = 1 + rnd.nextInt(3);
        for (int r = 0; r < rounds && !tensors.isEmpty(); r++) {
            List<String> names = new ArrayList<>(tensors.keySet());
            String name = names.get(rnd.nextInt(names.size()));
            StoredTensor t = tensors.get(name);
            switch (rnd.nextInt(7)) {
                case 0 -> tensors.remove(name);
                case 1 -> {
                    tensors.remove(name);
                    tensors.put(renamed(name), t);
                }
                case 2 -> tensors.put(renamed(name), t);
                case 3 -> { // reshape, data resized to fit
                    long[] shape = t.shape.clone();
                    if (shape.length == 0 || rnd.nextInt(5) == 0) {
                        shape = Arrays.copyOf(shape, shape.length + (rnd.nextBoolean() || shape.length == 0 ? 1 : -1));
                        if (shape.length > 0) {
                            shape[shape.length - 1] = Math.max(0, shape[shape.length - 1]);
                        }
                    }
                    if (shape.length > 0) {
                        int axis = rnd.nextInt(shape.length);
                        long[] choices = {0, 1, shape[axis] - 1, shape[axis] + 1, shape[axis] * 2, shape[axis] / 2 + 1};
                        shape[axis] = Math.max(0, choices[rnd.nextInt(choices.length)]);
                    }
                    long count = 1;
                    for (long d : shape) {
                        count *= d;
                    }
                    if (count > 1_000_000) {
                        break;
                    }
                    tensors.put(name, new StoredTensor(t.dtype, shape, Arrays.copyOf(t.data, (int) count * width(t.dtype))));
                }
                case 4 -> { // another dtype, same values where the width allows
                    String[] dtypes = {"F32", "F16", "BF16", "F64", "I32", "I64", "U8", "BOOL"};
                    String dtype = dtypes[rnd.nextInt(dtypes.length)];
                    long count = t.data.length / Math.max(1, width(t.dtype));
                    byte[] data = Arrays.copyOf(t.data, (int) count * width(dtype));
                    tensors.put(name, new StoredTensor(dtype, t.shape, data));
                }
                case 5 -> { // a special value
                    if (t.dtype.equals("F32") && t.data.length >= 4) {
                        byte[] data = t.data.clone();
                        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN)
                                .putFloat(4 * rnd.nextInt(data.length / 4), FLOATS[rnd.nextInt(FLOATS.length)]);
                        tensors.put(name, new StoredTensor(t.dtype, t.shape, data));
                    }
                }
                default -> { // random values of the same size
                    byte[] data = t.data.clone();
                    for (int i = 0; i + 4 <= data.length && t.dtype.equals("F32"); i += 4) {
                        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putFloat(i, (float) rnd.nextGaussian() * 10);
                    }
                    tensors.put(name, new StoredTensor(t.dtype, t.shape, data));
                }
            }
        }
        StringBuilder json = new StringBuilder("{");
        long at = 0;
        List<byte[]> data = new ArrayList<>();
        for (Map.Entry<String, StoredTensor> e : tensors.entrySet()) {
            StoredTensor t = e.getValue();
            if (json.length() > 1) {
                json.append(", ");
            }
            json.append(new com.fasterxml.jackson.databind.node.TextNode(e.getKey()).toString()).append(": {\"dtype\": \"").append(t.dtype).append("\", \"shape\": ")
                    .append(Arrays.toString(t.shape)).append(", \"data_offsets\": [").append(at).append(", ")
                    .append(at + t.data.length).append("]}");
            at += t.data.length;
            data.add(t.data);
        }
        if (metadata != null) {
            json.append(json.length() > 1 ? ", " : "").append("\"__metadata__\": ").append(metadata);
        }
        json.append('}');
        byte[] h = json.toString().getBytes(StandardCharsets.UTF_8);
        List<byte[]> parts = new ArrayList<>(List.of(lengthPrefix(h.length), h));
        parts.addAll(data);
        return concat(parts.toArray(new byte[0][]));
    }

    /** A tensor as stored: dtype, shape and raw bytes. */
    private record StoredTensor(String dtype, long[] shape, byte[] data) {
    }

    private String renamed(String name) {
        String[][] swaps = {{"_l0", "_l1"}, {"_l1", "_l2"}, {"_l1", "_l0"}, {"weight_ih", "weight_hh"}, {"weight_hh", "weight_ih"},
            {"bias_ih", "bias_hh"}, {"weight", "bias"}, {"_reverse", ""}, {"_l0", "_l0_reverse"}, {"weight_hh_l0", "weight_hr_l0"},
            {"lstm", "lstm2"}, {"input_gate", "forget_gate"}, {"forward", "reverse"}};
        String[] s = swaps[rnd.nextInt(swaps.length)];
        return name.contains(s[0]) ? name.replace(s[0], s[1]) : name + (rnd.nextBoolean() ? "_l1" : ".x");
    }

    private static int width(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            default -> 1;
        };
    }

    // ---------------------------------------------------------------- protobuf

    /** One to three protobuf field tamperings, each on a random field anywhere in the message tree. */
    Message protobuf(Message in) {
        Message out = in;
        int rounds = 1 + rnd.nextInt(3);
        for (int r = 0; r < rounds; r++) {
            out = tamper(out, 0);
        }
        return out;
    }

    private Message tamper(Message m, int depth) {
        Map<FieldDescriptor, Object> fields = m.getAllFields();
        Message.Builder b = m.toBuilder();
        if (fields.isEmpty() || depth > 12) {
            return m;
        }
        List<FieldDescriptor> set = new ArrayList<>(fields.keySet());
        FieldDescriptor f = set.get(rnd.nextInt(set.size()));
        boolean message = f.getJavaType() == FieldDescriptor.JavaType.MESSAGE;
        if (f.isRepeated()) {
            int count = m.getRepeatedFieldCount(f);
            int i = rnd.nextInt(count);
            int action = rnd.nextInt(message ? 6 : 5);
            switch (action) {
                case 0: { // remove one element
                    List<Object> kept = new ArrayList<>((List<?>) fields.get(f));
                    kept.remove(i);
                    b.clearField(f);
                    kept.forEach(v -> b.addRepeatedField(f, v));
                    return b.build();
                }
                case 1: // duplicate one element
                    b.addRepeatedField(f, m.getRepeatedField(f, i));
                    return b.build();
                case 2: // drop them all
                    b.clearField(f);
                    return b.build();
                default:
                    if (message) {
                        b.setRepeatedField(f, i, tamper((Message) m.getRepeatedField(f, i), depth + 1));
                    } else {
                        b.setRepeatedField(f, i, scalar(f, m.getRepeatedField(f, i)));
                    }
                    return b.build();
            }
        }
        if (message) {
            if (rnd.nextInt(6) == 0) {
                b.clearField(f);
            } else {
                b.setField(f, tamper((Message) m.getField(f), depth + 1));
            }
            return b.build();
        }
        if (rnd.nextInt(8) == 0) {
            b.clearField(f);
        } else {
            b.setField(f, scalar(f, m.getField(f)));
        }
        return b.build();
    }

    private Object scalar(FieldDescriptor f, Object old) {
        switch (f.getJavaType()) {
            case INT: {
                long v = rnd.nextBoolean() ? INTEGERS[rnd.nextInt(INTEGERS.length)] : ((Integer) old) + rnd.nextInt(5) - 2;
                return (int) v;
            }
            case LONG:
                return rnd.nextBoolean() ? INTEGERS[rnd.nextInt(INTEGERS.length)] : ((Long) old) + rnd.nextInt(5) - 2;
            case FLOAT:
                return FLOATS[rnd.nextInt(FLOATS.length)];
            case DOUBLE:
                return (double) FLOATS[rnd.nextInt(FLOATS.length)];
            case BOOLEAN:
                return !((Boolean) old);
            case STRING:
                return STRINGS[rnd.nextInt(STRINGS.length)];
            case BYTE_STRING: {
                ByteString bytes = (ByteString) old;
                switch (rnd.nextInt(4)) {
                    case 0:
                        return bytes.substring(0, rnd.nextInt(bytes.size() + 1));
                    case 1:
                        return bytes.concat(ByteString.copyFrom(randomBytes(1 + rnd.nextInt(8))));
                    case 2:
                        return ByteString.EMPTY;
                    default:
                        return ByteString.copyFrom(bytes(bytes.toByteArray()));
                }
            }
            case ENUM: {
                List<EnumValueDescriptor> values = f.getEnumType().getValues();
                return values.get(rnd.nextInt(values.size()));
            }
            default:
                return old;
        }
    }

    // ---------------------------------------------------------------- helpers

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static byte[] splice(byte[] in, int from, int to, byte[] insert) {
        return concat(Arrays.copyOfRange(in, 0, from), insert, Arrays.copyOfRange(in, to, in.length));
    }
}
