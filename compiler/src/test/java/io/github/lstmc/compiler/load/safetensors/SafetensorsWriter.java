package io.github.lstmc.compiler.load.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test support: writes safetensors bytes (tensors laid out back to back in the order added),
 * plus raw helpers to build malformed files. Independent of the reader under test.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode header = JSON.createObjectNode();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    /** Adds a tensor with raw little-endian bytes. */
    public SafetensorsWriter add(String name, String dtype, int[] shape, byte[] bytes) {
        ObjectNode entry = header.putObject(name);
        entry.put("dtype", dtype);
        ArrayNode dims = entry.putArray("shape");
        for (int d : shape) {
            dims.add(d);
        }
        long begin = data.size();
        data.writeBytes(bytes);
        entry.putArray("data_offsets").add(begin).add(data.size());
        return this;
    }

    /** Adds an F32 tensor. */
    public SafetensorsWriter f32(String name, int[] shape, float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return add(name, "F32", shape, b.array());
    }

    /** Adds an F64 tensor. */
    public SafetensorsWriter f64(String name, int[] shape, double... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return add(name, "F64", shape, b.array());
    }

    /** Adds a 16-bit tensor (F16, BF16, I16...) from raw bit patterns. */
    public SafetensorsWriter bits16(String name, String dtype, int[] shape, int... bits) {
        ByteBuffer b = ByteBuffer.allocate(2 * bits.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : bits) {
            b.putShort((short) v);
        }
        return add(name, dtype, shape, b.array());
    }

    /** Adds an I64 tensor. */
    public SafetensorsWriter i64(String name, int[] shape, long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return add(name, "I64", shape, b.array());
    }

    /** Adds a {@code __metadata__} entry. */
    public SafetensorsWriter metadata(String key, String value) {
        ObjectNode m = header.has("__metadata__") ? (ObjectNode) header.get("__metadata__")
                : header.putObject("__metadata__");
        m.put(key, value);
        return this;
    }

    /** The header as written (mutable, so tests can corrupt it). */
    public ObjectNode header() {
        return header;
    }

    public byte[] toBytes() {
        return raw(header.toString(), data.toByteArray());
    }

    public Path write(Path file) {
        try {
            Files.write(file, toBytes());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file of the given header text and data section, with a correct header length. */
    public static byte[] raw(String headerJson, byte[] data) {
        byte[] h = headerJson.getBytes(StandardCharsets.UTF_8);
        return concat(lengthPrefix(h.length), h, data);
    }

    /** 8 little-endian bytes of {@code n}. */
    public static byte[] lengthPrefix(long n) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array();
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** int[] literal helper: {@code shape(4, 3)}. */
    public static int[] shape(int... dims) {
        return dims;
    }
}
