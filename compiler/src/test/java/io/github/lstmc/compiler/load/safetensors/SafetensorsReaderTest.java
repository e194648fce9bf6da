package io.github.lstmc.compiler.load.safetensors;

import static io.github.lstmc.compiler.load.safetensors.SafetensorsWriter.concat;
import static io.github.lstmc.compiler.load.safetensors.SafetensorsWriter.lengthPrefix;
import static io.github.lstmc.compiler.load.safetensors.SafetensorsWriter.raw;
import static io.github.lstmc.compiler.load.safetensors.SafetensorsWriter.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.LstmcException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsReaderTest {
    @TempDir
    Path dir;

    private Path write(byte[] bytes) throws IOException {
        return Files.write(dir.resolve("m.safetensors"), bytes);
    }

    private SafetensorsFile read(SafetensorsWriter w) throws Exception {
        return SafetensorsReader.read(w.write(dir.resolve("m.safetensors")));
    }

    /** Asserts the read fails with a one-line message naming the file and every given fragment. */
    private String fails(byte[] bytes, String... fragments) throws IOException {
        Path file = write(bytes);
        LstmcException e = assertThrows(LstmcException.class, () -> SafetensorsReader.read(file));
        String message = e.getMessage();
        assertTrue(message.startsWith("m.safetensors: "), message);
        assertFalse(message.contains("\n"), message);
        for (String f : fragments) {
            assertTrue(message.contains(f), () -> "expected '" + f + "' in: " + message);
        }
        return message;
    }

    private static byte[] header(String json, int dataBytes) {
        return raw(json, new byte[dataBytes]);
    }

    // ---------------------------------------------------------------- decoding

    @Test
    void readsF32TensorsAndMetadataInHeaderOrder() throws Exception {
        SafetensorsFile f = read(new SafetensorsWriter()
                .f32("b", shape(2, 3), 1, 2, 3, 4, 5, -6.25f)
                .f32("a", shape(2), 0.1f, Float.MIN_VALUE)
                .metadata("format", "pt"));
        assertEquals(List.of("b", "a"), List.copyOf(f.tensors().keySet()));
        Tensor b = f.tensor("b");
        assertArrayEquals(new int[] {2, 3}, b.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, -6.25f}, b.values());
        assertEquals("F32", b.dtype());
        assertArrayEquals(new float[] {0.1f, Float.MIN_VALUE}, f.tensor("a").values());
        assertEquals(Map.of("format", "pt"), f.metadata());
    }

    @Test
    void tensorsAreImmutable() throws Exception {
        Tensor t = read(new SafetensorsWriter().f32("w", shape(2), 1, 2)).tensor("w");
        t.values()[0] = 99;
        t.shape()[0] = 7;
        assertEquals(1f, t.value(0));
        assertArrayEquals(new int[] {2}, t.shape());
    }

    @Test
    void decodesF16ExactlyIncludingSubnormalsAndInfinities() throws Exception {
        Tensor t = read(new SafetensorsWriter().bits16("h", "F16", shape(12),
                0x3800, 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x0400, 0x3C01, 0x8000, 0x7C00, 0xFC00, 0x7E00, 0x0000))
                .tensor("h");
        float[] v = t.values();
        assertEquals(0.5f, v[0]);
        assertEquals(-2f, v[1]);
        assertEquals(65504f, v[2]);
        assertEquals(0x1p-24f, v[3]);                  // smallest subnormal
        assertEquals(1023 * 0x1p-24f, v[4]);           // largest subnormal
        assertEquals(0x1p-14f, v[5]);                  // smallest normal
        assertEquals(1f + 0x1p-10f, v[6]);
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(v[7]));
        assertEquals(Float.POSITIVE_INFINITY, v[8]);
        assertEquals(Float.NEGATIVE_INFINITY, v[9]);
        assertTrue(Float.isNaN(v[10]));
        assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(v[11]));
        assertEquals("F16", t.dtype());
    }

    @Test
    void halfConversionMatchesTheDefinitionForEveryFiniteValue() {
        for (int bits = 0; bits < 0x10000; bits++) {
            int exponent = (bits >> 10) & 0x1f;
            if (exponent == 0x1f) {
                continue;
            }
            int mantissa = bits & 0x3ff;
            double magnitude = exponent == 0 ? Math.scalb((double) mantissa, -24)
                    : Math.scalb(1.0 + mantissa / 1024.0, exponent - 15);
            double expected = (bits & 0x8000) != 0 ? -magnitude : magnitude;
            assertEquals((float) expected, SafetensorsReader.halfToFloat(bits), "bits 0x" + Integer.toHexString(bits));
        }
    }

    @Test
    void decodesBf16() throws Exception {
        float[] v = read(new SafetensorsWriter().bits16("h", "BF16", shape(2, 3),
                0x3F00, 0xC000, 0x7F7F, 0x0001, 0x7F80, 0x3DCD)).tensor("h").values();
        assertEquals(0.5f, v[0]);
        assertEquals(-2f, v[1]);
        assertEquals(Float.intBitsToFloat(0x7F7F0000), v[2]);   // largest bf16, ~3.39e38
        assertEquals(0x1p-133f, v[3]);                          // smallest bf16 subnormal
        assertEquals(Float.POSITIVE_INFINITY, v[4]);
        assertEquals(0.10009765625f, v[5]);
    }

    @Test
    void narrowsF64ToFloat() throws Exception {
        float[] v = read(new SafetensorsWriter().f64("d", shape(3), 0.1, -2.5, 1e300)).tensor("d").values();
        assertEquals(0.1f, v[0]);
        assertEquals(-2.5f, v[1]);
        assertEquals(Float.POSITIVE_INFINITY, v[2]);
    }

    @Test
    void acceptsScalarsAndEmptyTensors() throws Exception {
        SafetensorsFile f = read(new SafetensorsWriter()
                .f32("empty", shape(0, 3))
                .f32("scalar", shape(), 4.5f));
        assertEquals(0, f.tensor("empty").size());
        assertEquals(0, f.tensor("scalar").rank());
        assertEquals(4.5f, f.tensor("scalar").value(0));
    }

    @Test
    void acceptsPaddedHeaderAndEmptyFile() throws Exception {
        SafetensorsWriter w = new SafetensorsWriter().f32("w", shape(1), 3f);
        byte[] padded = raw(w.header() + "        ", SafetensorsWriter.concat(new byte[0], floatBytes(3f)));
        Path file = write(padded);
        assertEquals(3f, SafetensorsReader.read(file).tensor("w").value(0));
        assertTrue(SafetensorsReader.read(write(raw("{}", new byte[0]))).names().isEmpty());
    }

    private static byte[] floatBytes(float v) {
        int b = Float.floatToIntBits(v);
        return new byte[] {(byte) b, (byte) (b >> 8), (byte) (b >> 16), (byte) (b >> 24)};
    }

    @Test
    void keepsUndecodedDtypesButRefusesToHandThemOut() throws Exception {
        SafetensorsFile f = read(new SafetensorsWriter()
                .f32("w", shape(1), 1f)
                .i64("bn.num_batches_tracked", shape(), 7));
        assertTrue(f.names().contains("bn.num_batches_tracked"));
        LstmcException e = assertThrows(LstmcException.class, () -> f.tensor("bn.num_batches_tracked"));
        assertEquals("m.safetensors: tensor 'bn.num_batches_tracked' has dtype I64; lstmc reads only F32, F16, BF16 "
                + "and F64", e.getMessage());
        LstmcException missing = assertThrows(LstmcException.class, () -> f.tensor("nope"));
        assertEquals("m.safetensors: missing tensor 'nope'", missing.getMessage());
    }

    // ---------------------------------------------------------------- malformed files

    @Test
    void refusesFileShorterThanTheHeaderLength() throws Exception {
        fails(new byte[5], "5 bytes", "shorter than the 8-byte header length");
    }

    @Test
    void refusesHugeHeaderLength() throws Exception {
        fails(concat(lengthPrefix(200_000_000L), "{}".getBytes(StandardCharsets.UTF_8)), "header length 200000000",
                "100 MB");
        fails(concat(lengthPrefix(-1L), new byte[4]), "header length 18446744073709551615", "100 MB");
    }

    @Test
    void refusesHeaderLengthBeyondTheFile() throws Exception {
        fails(concat(lengthPrefix(50), "{}".getBytes(StandardCharsets.UTF_8)), "header length 50",
                "runs past the end of the file (10 bytes)");
    }

    @Test
    void refusesHeaderThatIsNotJsonObject() throws Exception {
        fails(header("{\"a\": ", 0), "header is not valid JSON");
        fails(header("[1, 2]", 0), "header must be a JSON object, got array");
        fails(header("{} {}", 0), "header is not valid JSON");
        fails(concat(lengthPrefix(2), new byte[] {(byte) 0xC3, (byte) 0x28}), "header is not valid UTF-8");
        fails(header("{\"w\": {\"dtype\": \"F32\", \"shape\": [], \"data_offsets\": [0, 4]},"
                + " \"w\": {\"dtype\": \"F32\", \"shape\": [], \"data_offsets\": [0, 4]}}", 4), "header is not valid JSON",
                "Duplicate field 'w'");
    }

    @Test
    void refusesUnknownDtypeNamingIt() throws Exception {
        fails(header("{\"w\": {\"dtype\": \"Q7\", \"shape\": [1], \"data_offsets\": [0, 4]}}", 4),
                "tensor 'w'", "unknown dtype 'Q7'");
        fails(header("{\"w\": {\"shape\": [1], \"data_offsets\": [0, 4]}}", 4), "tensor 'w'", "'dtype' is missing");
    }

    @Test
    void refusesBadShapes() throws Exception {
        String[] bad = {"3", "[-1]", "[1.5]", "[\"2\"]", "[3000000000]", "null"};
        for (String s : bad) {
            fails(header("{\"w\": {\"dtype\": \"F32\", \"shape\": " + s + ", \"data_offsets\": [0, 4]}}", 4),
                    "tensor 'w'", "field 'shape'");
        }
    }

    @Test
    void refusesElementCountOverflowBeforeAllocating() throws Exception {
        fails(header("{\"w\": {\"dtype\": \"F32\", \"shape\": [2147483647, 2147483647, 2147483647, 4],"
                + " \"data_offsets\": [0, 4]}}", 4), "tensor 'w'", "too many elements");
        fails(header("{\"w\": {\"dtype\": \"F32\", \"shape\": [1000000000, 3], \"data_offsets\": [0, 4]}}", 4),
                "tensor 'w'", "too many elements");
    }

    @Test
    void refusesAbsurdSizesAgainstTheFileLength() throws Exception {
        // 100000 x 100000 floats = 40 GB claimed, file holds 4 bytes: refused from the header alone
        fails(header("{\"w\": {\"dtype\": \"F32\", \"shape\": [100000, 10000],"
                + " \"data_offsets\": [0, 4000000000]}}", 4), "tensor 'w'", "runs past the end of the data section (4 bytes)");
    }

    @Test
    void refusesBadOffsets() throws Exception {
        String[] bad = {"[0]", "[0, 4, 8]", "[-4, 4]", "[0, \"4\"]", "null", "[0, 4.0]"};
        for (String o : bad) {
            fails(header("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": " + o + "}}", 4),
                    "tensor 'w'", "field 'data_offsets'");
        }
        fails(header("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 0]}}", 4),
                "tensor 'w'", "ends before it begins");
        fails(header("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", 4),
                "tensor 'w'", "runs past the end of the data section (4 bytes)");
    }

    @Test
    void refusesByteSpanThatDoesNotMatchTheShape() throws Exception {
        fails(header("{\"w\": {\"dtype\": \"F16\", \"shape\": [2, 3], \"data_offsets\": [0, 8]}}", 8),
                "tensor 'w'", "spans 8 bytes", "needs 12");
    }

    @Test
    void refusesOverlappingTensors() throws Exception {
        fails(header("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                + " \"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", 12),
                "tensors 'a' and 'b' overlap");
        fails(header("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                + " \"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}", 8),
                "tensors 'a' and 'b' overlap");
    }

    @Test
    void refusesGapsAndTrailingBytes() throws Exception {
        fails(header("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]},"
                + " \"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [8, 12]}}", 12),
                "bytes [4, 8)", "gap before tensor 'b'");
        fails(header("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}", 7),
                "3 trailing bytes after the last tensor ('a')");
    }

    @Test
    void refusesBadMetadataAndEntries() throws Exception {
        fails(header("{\"__metadata__\": [1]}", 0), "'__metadata__' must be an object of strings");
        fails(header("{\"__metadata__\": {\"epochs\": 3}}", 0), "'__metadata__.epochs' must be a string");
        fails(header("{\"w\": [1, 2]}", 0), "tensor 'w'", "header entry must be an object");
    }

    @Test
    void refusesMissingFile() {
        LstmcException e = assertThrows(LstmcException.class,
                () -> SafetensorsReader.read(dir.resolve("absent.safetensors")));
        assertEquals("absent.safetensors: file not found", e.getMessage());
    }
}
