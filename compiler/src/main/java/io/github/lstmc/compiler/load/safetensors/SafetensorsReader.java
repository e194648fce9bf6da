package io.github.lstmc.compiler.load.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.lstmc.compiler.LstmcException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a <a href="https://github.com/huggingface/safetensors">safetensors</a> file:
 *
 * <pre>
 *   u64 little-endian N | N bytes of UTF-8 JSON header | data section
 *   header = { "name": {"dtype": "F32", "shape": [4, 3], "data_offsets": [begin, end]}, ...,
 *              "__metadata__": {"key": "value", ...} }
 * </pre>
 *
 * Offsets are byte offsets into the data section; values are little-endian, row-major.
 * F32, F16, BF16 and F64 tensors are decoded to float32 (F64 is rounded to the nearest float,
 * so values beyond the float range become infinite and are then refused by the IR).
 *
 * <p>The reader is strict in the same way as the reference implementation: every size is checked
 * against the file length before anything is allocated, and the tensors must tile the data section
 * exactly — no overlaps, no gaps between tensors and no trailing bytes after the last one.
 * A valid safetensors dtype that lstmc does not decode (integers, bool, 8-bit floats) is accepted
 * in the file and refused only when a loader asks for that tensor (see {@link SafetensorsFile}).
 * Every problem is an {@link LstmcException} whose one-line message names the file and the tensor
 * or header field.
 */
public final class SafetensorsReader {
    /** The largest header accepted, as the reference implementation: 100 MB. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** The dtypes decoded to float32, for messages. */
    static final String DECODED_DTYPES = "F32, F16, BF16 and F64";

    private static final String METADATA_KEY = "__metadata__";
    private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private SafetensorsReader() {
    }

    /**
     * Reads and decodes {@code file}, reading it once.
     *
     * @throws LstmcException if the file cannot be read or is not a well-formed safetensors file
     */
    public static SafetensorsFile read(Path file) throws LstmcException {
        String where = displayName(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            if (fileSize < 8) {
                throw new LstmcException(where + ": not a safetensors file: " + fileSize
                        + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer lengthBytes = readFully(channel, 8, where, "header length");
            long headerLength = lengthBytes.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
                throw new LstmcException(where + ": header length " + Long.toUnsignedString(headerLength)
                        + " is beyond the 100 MB limit; not a safetensors file?");
            }
            if (headerLength > fileSize - 8) {
                throw new LstmcException(where + ": header length " + headerLength + " runs past the end of the file ("
                        + fileSize + " bytes)");
            }
            ByteBuffer headerBytes = readFully(channel, (int) headerLength, where, "header");
            long dataLength = fileSize - 8 - headerLength;
            Header header = parseHeader(where, headerBytes, dataLength);
            if (dataLength > MAX_ARRAY_LENGTH) {
                throw new LstmcException(where + ": data section of " + dataLength
                        + " bytes is larger than lstmc can hold (2 GiB)");
            }
            ByteBuffer data = readFully(channel, (int) dataLength, where, "data section")
                    .order(ByteOrder.LITTLE_ENDIAN);
            return decode(file, header, data);
        } catch (NoSuchFileException e) {
            throw new LstmcException(where + ": file not found");
        } catch (IOException e) {
            throw new LstmcException(where + ": cannot read: " + oneLine(e));
        }
    }

    /**
     * Decodes an IEEE 754 binary16 value (given as its 16 bits) to float, exactly: every half value,
     * subnormals included, is representable as a float. Infinities and NaN are kept.
     */
    public static float halfToFloat(int bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // subnormal (or zero): mantissa * 2^-24, exact in float
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    /** Decodes a bfloat16 value (its 16 bits): the upper half of a float. */
    public static float bfloat16ToFloat(int bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    // ------------------------------------------------------------------------------------------

    /** One header entry, validated against the data section. */
    private record Entry(String name, Dtype dtype, int[] shape, int count, long begin, long end) {
    }

    private record Header(List<Entry> entries, Map<String, String> metadata) {
    }

    private static Header parseHeader(String where, ByteBuffer bytes, long dataLength) throws LstmcException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new LstmcException(where + ": header is not valid UTF-8");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new LstmcException(where + ": header is not valid JSON: " + oneLine(e.getOriginalMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new LstmcException(where + ": header must be a JSON object, got "
                    + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals(METADATA_KEY)) {
                readMetadata(where, field.getValue(), metadata);
            } else {
                entries.add(parseEntry(where, field.getKey(), field.getValue(), dataLength));
            }
        }
        checkTiling(where, entries, dataLength);
        return new Header(entries, metadata);
    }

    private static void readMetadata(String where, JsonNode node, Map<String, String> metadata) throws LstmcException {
        if (node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw new LstmcException(where + ": header field '__metadata__' must be an object of strings");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new LstmcException(where + ": header field '__metadata__." + e.getKey() + "' must be a string");
            }
            metadata.put(e.getKey(), e.getValue().textValue());
        }
    }

    private static Entry parseEntry(String where, String name, JsonNode node, long dataLength) throws LstmcException {
        String tensor = where + ": tensor '" + name + "'";
        if (!node.isObject()) {
            throw new LstmcException(tensor + ": header entry must be an object with dtype, shape and data_offsets");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new LstmcException(tensor + ": field 'dtype' is missing or not a string");
        }
        Dtype dtype = Dtype.named(dtypeNode.textValue());
        if (dtype == null) {
            throw new LstmcException(tensor + ": unknown dtype '" + dtypeNode.textValue() + "'");
        }
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new LstmcException(tensor + ": field 'shape' is missing or not a list");
        }
        int[] shape = new int[shapeNode.size()];
        long count = 1;
        boolean overflow = false;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || d.bigIntegerValue().signum() < 0 || !d.canConvertToInt()) {
                throw new LstmcException(tensor + ": field 'shape' must be a list of non-negative integers, got "
                        + shapeNode);
            }
            shape[i] = d.intValue();
            if (!overflow) {
                try {
                    count = Math.multiplyExact(count, shape[i]);
                } catch (ArithmeticException e) {
                    overflow = true;
                }
            }
        }
        // a zero dimension makes the tensor empty even if the other dimensions overflowed
        if (count == 0) {
            overflow = false;
        }
        if (overflow || count > MAX_ARRAY_LENGTH) {
            throw new LstmcException(tensor + ": shape " + shapeNode + " has too many elements");
        }
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2
                || !isNonNegativeLong(offsets.get(0)) || !isNonNegativeLong(offsets.get(1))) {
            throw new LstmcException(tensor + ": field 'data_offsets' must be [begin, end] with non-negative integers, got "
                    + (offsets == null ? "nothing" : offsets.toString()));
        }
        long begin = offsets.get(0).longValue();
        long end = offsets.get(1).longValue();
        if (begin > end) {
            throw new LstmcException(tensor + ": field 'data_offsets' [" + begin + ", " + end + "] ends before it begins");
        }
        if (end > dataLength) {
            throw new LstmcException(tensor + ": field 'data_offsets' [" + begin + ", " + end
                    + "] runs past the end of the data section (" + dataLength + " bytes)");
        }
        long bits = count * dtype.bits; // count < 2^31, bits <= 64: no overflow
        if (bits % 8 != 0) {
            throw new LstmcException(tensor + ": " + count + " elements of " + dtype.name
                    + " do not fill whole bytes");
        }
        if (end - begin != bits / 8) {
            throw new LstmcException(tensor + ": field 'data_offsets' [" + begin + ", " + end + "] spans "
                    + (end - begin) + " bytes, but shape " + shapeNode + " of " + dtype.name + " needs " + bits / 8);
        }
        return new Entry(name, dtype, shape, (int) count, begin, end);
    }

    private static boolean isNonNegativeLong(JsonNode n) {
        return n.isIntegralNumber() && n.canConvertToLong() && n.longValue() >= 0;
    }

    /** The tensors must cover the data section exactly once, as the reference implementation demands. */
    private static void checkTiling(String where, List<Entry> entries, long dataLength) throws LstmcException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin == e.end) {
                continue; // an empty tensor occupies no bytes
            }
            if (e.begin < covered) {
                throw new LstmcException(where + ": tensors '" + previous.name + "' and '" + e.name
                        + "' overlap (bytes [" + previous.begin + ", " + previous.end + ") and [" + e.begin + ", "
                        + e.end + ") of the data section)");
            }
            if (e.begin > covered) {
                throw new LstmcException(where + ": bytes [" + covered + ", " + e.begin
                        + ") of the data section belong to no tensor (gap before tensor '" + e.name + "')");
            }
            covered = e.end;
            previous = e;
        }
        if (covered != dataLength) {
            throw new LstmcException(where + ": " + (dataLength - covered) + " trailing bytes after the last tensor"
                    + (previous == null ? "" : " ('" + previous.name + "')") + " (data section is " + dataLength
                    + " bytes, tensors cover " + covered + ")");
        }
    }

    private static SafetensorsFile decode(Path file, Header header, ByteBuffer data) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> undecoded = new LinkedHashMap<>();
        for (Entry e : header.entries) {
            if (!e.dtype.decoded) {
                undecoded.put(e.name, e.dtype.name);
                continue;
            }
            float[] values = new float[e.count];
            int at = (int) e.begin;
            switch (e.dtype) {
                case F32 -> {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = data.getFloat(at + 4 * i);
                    }
                }
                case F64 -> {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = (float) data.getDouble(at + 8 * i);
                    }
                }
                case F16 -> {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = halfToFloat(data.getShort(at + 2 * i) & 0xffff);
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = bfloat16ToFloat(data.getShort(at + 2 * i) & 0xffff);
                    }
                }
                default -> throw new AssertionError("decoded dtype without a decoder: " + e.dtype);
            }
            tensors.put(e.name, new Tensor(e.name, e.dtype.name, e.shape, values));
        }
        return new SafetensorsFile(file, tensors, undecoded, header.metadata);
    }

    private static ByteBuffer readFully(FileChannel channel, int length, String where, String what)
            throws IOException, LstmcException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new LstmcException(where + ": file ended while reading the " + what
                        + " (was it truncated while being read?)");
            }
        }
        buffer.flip();
        return buffer;
    }

    private static String displayName(Path file) {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }

    private static String oneLine(Exception e) {
        return oneLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    /** The safetensors dtypes, with their sizes in bits; {@code decoded} ones become float32. */
    private enum Dtype {
        BOOL("BOOL", 8, false),
        F4("F4", 4, false),
        F6_E2M3("F6_E2M3", 6, false),
        F6_E3M2("F6_E3M2", 6, false),
        U8("U8", 8, false),
        I8("I8", 8, false),
        F8_E5M2("F8_E5M2", 8, false),
        F8_E4M3("F8_E4M3", 8, false),
        F8_E8M0("F8_E8M0", 8, false),
        I16("I16", 16, false),
        U16("U16", 16, false),
        F16("F16", 16, true),
        BF16("BF16", 16, true),
        I32("I32", 32, false),
        U32("U32", 32, false),
        F32("F32", 32, true),
        C64("C64", 64, false),
        F64("F64", 64, true),
        I64("I64", 64, false),
        U64("U64", 64, false);

        final String name;
        final int bits;
        final boolean decoded;

        Dtype(String name, int bits, boolean decoded) {
            this.name = name;
            this.bits = bits;
            this.decoded = decoded;
        }

        static Dtype named(String name) {
            for (Dtype d : values()) {
                if (d.name.equals(name)) {
                    return d;
                }
            }
            return null;
        }
    }
}
