package io.github.lstmc.compiler.plan;

import io.github.lstmc.compiler.WeightStorage;
import io.github.lstmc.runtime.PackedFloats;
import java.util.ArrayList;
import java.util.List;

/**
 * The encoder of packed float constants; {@code io.github.lstmc.runtime.PackedFloats} is its decoder
 * and documents the format: a bit stream written 7 bits per character (one class-file byte each),
 * whose floats code their exponent relative to the field's largest in a few bits (trained weights
 * span few binades), so fp32 costs about 28 bits and fp16 about 14 bits per value; int8 stores codes
 * and one fp32 scale per group.
 *
 * <p>Every encoding is verified by decoding it with the runtime: a field is stored in the requested
 * {@link Encoding} only when that reproduces its values bit for bit, else in the next wider one
 * (int8, then fp16, then fp32). So the values a generated class computes with are always exactly
 * the values the planner was given, whatever the storage.
 */
public final class FloatPacking {
    /** Modified UTF-8 bytes per chunk: below the 65,535-byte limit of a class-file constant. */
    public static final int MAX_CHUNK_BYTES = 65_000;

    /** How a field is stored. */
    public enum Encoding {
        FP32, FP16, INT8
    }

    /**
     * Which int8 scale an element {@code (r, c)} of a {@code rows x cols} field uses:
     * {@code r * rowStep + c % columnPeriod}.
     */
    public record ScaleMap(int rowStep, int columnPeriod) {
        /** One scale per field row (an embedding table: one per token). */
        public static final ScaleMap PER_ROW = new ScaleMap(1, 1);

        /** One scale per field column of a {@code cols}-wide field (a transposed weight matrix). */
        public static ScaleMap perColumn(int cols) {
            return new ScaleMap(0, Math.max(1, cols));
        }
    }

    /** An encoded field. */
    public record Packed(Encoding encoding, List<String> chunks) {
        public Packed {
            chunks = List.copyOf(chunks);
        }

        /** Bytes of the chunks as class-file constants (modified UTF-8). */
        public long classFileBytes() {
            long n = 0;
            for (String c : chunks) {
                n += utf8Length(c);
            }
            return n;
        }
    }

    private FloatPacking() {
    }

    /** {@code values} as fp32 (exact for every bit pattern). */
    public static List<String> encode(float[] values) {
        return encodeFloats(values, true).chunks();
    }

    /**
     * Encodes the {@code rows x cols} row-major {@code values} in the narrowest encoding that
     * {@code storage} allows and that reproduces them exactly: int8 (with {@code scales}; null: no int8),
     * then fp16, then fp32.
     */
    public static Packed encode(float[] values, int rows, int cols, WeightStorage storage, ScaleMap scales) {
        if ((long) rows * cols != values.length) {
            throw new IllegalArgumentException(rows + " x " + cols + " != " + values.length);
        }
        if (storage == WeightStorage.INT8 && scales != null) {
            Packed p = encodeInt8(values, rows, cols, scales);
            if (p != null && reproduces(p, values, rows, cols)) {
                return p;
            }
        }
        if (storage != WeightStorage.FP32 && fitsHalf(values)) {
            Packed p = encodeFloats(values, false);
            if (reproduces(p, values, rows, cols)) {
                return p;
            }
        }
        return encodeFloats(values, true);
    }

    private static boolean reproduces(Packed p, float[] values, int rows, int cols) {
        // decoded with the field's shape: int8 scales depend on (row, column)
        float[] back = new float[values.length];
        try {
            float[][] decoded = PackedFloats.rows(rows, cols, p.chunks().toArray(new String[0]));
            for (int r = 0; r < rows; r++) {
                System.arraycopy(decoded[r], 0, back, r * cols, cols);
            }
        } catch (IllegalArgumentException e) {
            return false;
        }
        for (int i = 0; i < values.length; i++) {
            if (Float.floatToRawIntBits(back[i]) != Float.floatToRawIntBits(values[i])) {
                return false;
            }
        }
        return true;
    }

    // ---- fp32 / fp16 ------------------------------------------------------------------------------

    private static boolean fitsHalf(float[] values) {
        for (float v : values) {
            if (Float.isNaN(v) || Half.toFloat(Half.fromFloat(v)) != v
                    || Float.floatToRawIntBits(Half.toFloat(Half.fromFloat(v))) != Float.floatToRawIntBits(v)) {
                return false;
            }
        }
        return true;
    }

    private static Packed encodeFloats(float[] values, boolean single) {
        int mantissaBits = single ? 23 : 10;
        int exponentBits = single ? 8 : 5;
        int restBits = single ? 31 : 15;
        int[] rest = new int[values.length];
        int[] sign = new int[values.length];
        long[] histogram = new long[1 << exponentBits];
        for (int i = 0; i < values.length; i++) {
            int bits = single ? Float.floatToRawIntBits(values[i]) : Half.fromFloat(values[i]);
            sign[i] = bits >>> restBits & 1;
            rest[i] = bits & ((1 << restBits) - 1);
            if (rest[i] != 0) {
                histogram[rest[i] >>> mantissaBits]++;
            }
        }
        // the code width and top exponent with the fewest bits
        int bestK = 0;
        int bestBase = 0;
        long best = (long) values.length * (1 + restBits);
        int maxExponent = (1 << exponentBits) - 1;
        for (int k = 1; k <= 7; k++) {
            int window = (1 << k) - 2;
            for (int base = 0; base <= maxExponent; base++) {
                long cost = (long) values.length * (1 + k);
                for (int e = 0; e <= maxExponent; e++) {
                    boolean inWindow = e <= base && base - e < window;
                    cost += histogram[e] * (inWindow ? mantissaBits : restBits);
                }
                if (cost < best) {
                    best = cost;
                    bestK = k;
                    bestBase = base;
                }
            }
        }
        if (single) {
            Packed fixed = encodeFixed(values, histogram);
            // four characters a value decode fastest (class initializers run largely interpreted);
            // worth up to 4 % more bytes (classes stay under 1.05x the fp32 weight bytes), not the
            // 60 bits a value of a stream full of escapes
            if (fixed.classFileBytes() * 7 <= best * 104 / 100 + 64) {
                return fixed;
            }
        }
        Writer out = new Writer();
        out.write(single ? 0 : 1, 2);
        out.write(bestK, 3);
        out.write(bestBase, exponentBits);
        int zero = (1 << bestK) - 2;
        int raw = (1 << bestK) - 1;
        for (int i = 0; i < values.length; i++) {
            int e = rest[i] >>> mantissaBits;
            if (bestK == 0) {
                out.write(sign[i], 1);
                out.write(rest[i], restBits);
            } else if (rest[i] == 0) {
                out.write(sign[i] << bestK | zero, 1 + bestK);
            } else if (e <= bestBase && bestBase - e < zero) {
                out.write(sign[i] << bestK | (bestBase - e), 1 + bestK);
                out.write(rest[i] & ((1 << mantissaBits) - 1), mantissaBits);
            } else {
                out.write(sign[i] << bestK | raw, 1 + bestK);
                out.write(rest[i], restBits);
            }
        }
        return new Packed(single ? Encoding.FP32 : Encoding.FP16, out.chunks());
    }

    /** Format 3: 28 bits a value (sign, code of 14 binades below {@code base} or zero or escape, mantissa). */
    private static Packed encodeFixed(float[] values, long[] histogram) {
        int base = 0;
        long covered = -1;
        for (int b = 0; b < histogram.length; b++) {
            long n = 0;
            for (int e = Math.max(0, b - 13); e <= b; e++) {
                n += histogram[e];
            }
            if (n >= covered) {
                covered = n;
                base = b;
            }
        }
        int[] slots = new int[values.length];
        List<Integer> escapes = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            int bits = Float.floatToRawIntBits(values[i]);
            int e = bits >>> 23 & 0xff;
            int sign = bits >>> 31;
            if ((bits & 0x7fffffff) == 0) {
                slots[i] = sign << 27 | 14 << 23;
            } else if (e <= base && base - e < 14 && e != 0xff) {
                slots[i] = sign << 27 | (base - e) << 23 | bits & 0x7fffff;
            } else {
                slots[i] = 15 << 23;
                escapes.add(bits);
            }
        }
        Writer out = new Writer();
        out.write(3, 2);
        out.write(base, 8);
        out.write(escapes.size(), 32);
        for (int bits : escapes) {
            out.write(bits, 32);
        }
        out.alignToCharacter();
        for (int v : slots) {
            out.write(v, 28);
        }
        return new Packed(Encoding.FP32, out.chunks());
    }

    // ---- int8 -------------------------------------------------------------------------------------

    /** Null when some group of values is not {@code q * s} for one fp32 {@code s} and int8 {@code q}. */
    private static Packed encodeInt8(float[] values, int rows, int cols, ScaleMap map) {
        if (map.rowStep() < 0 || map.columnPeriod() < 1) {
            return null;
        }
        int period = Math.min(map.columnPeriod(), Math.max(cols, 1));
        long count = rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * map.rowStep() + period;
        if (count > values.length + (long) rows + cols) {
            return null;
        }
        int groups = (int) count;
        int[] sizes = new int[groups];
        int[] index = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            index[i] = (i / cols) * map.rowStep() + (i % cols) % period;
            sizes[index[i]]++;
        }
        float[][] members = new float[groups][];
        for (int g = 0; g < groups; g++) {
            members[g] = new float[sizes[g]];
        }
        int[] filled = new int[groups];
        for (int i = 0; i < values.length; i++) {
            members[index[i]][filled[index[i]]++] = values[i];
        }
        float[] scales = new float[groups];
        for (int g = 0; g < groups; g++) {
            Float s = scaleOf(members[g]);
            if (s == null) {
                return null;
            }
            scales[g] = s;
        }
        int[] q = new int[values.length];
        long[] magnitudes = new long[129];
        for (int i = 0; i < values.length; i++) {
            q[i] = scales[index[i]] == 0f ? 0 : Math.round(values[i] / scales[index[i]]);
            magnitudes[Math.abs(q[i])]++;
        }
        // width b holds -(2^(b-1) - 1) .. 2^(b-1) - 1 directly; others escape to 8 more bits
        int bestWidth = 8;
        long best = 8L * values.length;
        for (int b = 1; b < 8; b++) {
            long cost = (long) b * values.length;
            for (int m = (1 << (b - 1)); m <= 128; m++) {
                cost += 8 * magnitudes[m];
            }
            if (cost < best) {
                best = cost;
                bestWidth = b;
            }
        }
        Writer out = new Writer();
        out.write(2, 2);
        out.write(map.rowStep(), 32);
        out.write(period, 32);
        out.write(groups, 32);
        for (float s : scales) {
            out.write(Float.floatToRawIntBits(s), 32);
        }
        out.write(bestWidth, 4);
        int limit = (1 << (bestWidth - 1)) - 1;
        for (int v : q) {
            if (bestWidth < 8 && Math.abs(v) > limit) {
                out.write(-(limit + 1), bestWidth);
                out.write(v, 8);
            } else {
                out.write(v, bestWidth);
            }
        }
        return new Packed(Encoding.INT8, out.chunks());
    }

    /**
     * An fp32 {@code s} with {@code v == (float) q * s} for every value and some {@code |q| <= 127}, or
     * null. The quantizer's scale is {@code max|w| / 127}, but the group's largest code may be below
     * 127 (a gate row's scale also covers weights stored in another field), so the candidates are
     * {@code max|v| / q} for q = 127 down to 1 and their neighbours.
     */
    static Float scaleOf(float[] group) {
        float max = 0f;
        for (float v : group) {
            if (!(Math.abs(v) <= Float.MAX_VALUE)) {
                return null;
            }
            max = Math.max(max, Math.abs(v));
        }
        if (max == 0f) {
            return allPositiveZero(group) ? 0f : null;
        }
        for (int top = 127; top >= 1; top--) {
            float guess = max / top;
            for (int ulps = 0; ulps <= 6; ulps++) {
                float s = Float.intBitsToFloat(Float.floatToRawIntBits(guess) + (ulps % 2 == 0 ? ulps / 2 : -(ulps + 1) / 2));
                if (s > 0f && fits(group, s)) {
                    return s;
                }
            }
        }
        return null;
    }

    private static boolean allPositiveZero(float[] group) {
        for (float v : group) {
            if (Float.floatToRawIntBits(v) != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean fits(float[] group, float s) {
        for (float v : group) {
            int q = Math.round(v / s);
            if (q > 127 || q < -127 || Float.floatToRawIntBits(q * s) != Float.floatToRawIntBits(v)) {
                return false;
            }
        }
        return true;
    }

    // ---- characters -------------------------------------------------------------------------------

    /** Modified UTF-8 length: U+0000 takes two bytes, U+0001..U+007F one. */
    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c >= 1 && c <= 0x7f ? 1 : c <= 0x7ff ? 2 : 3;
        }
        return n;
    }

    /** Collects bits, 7 per character, then keys and chunks them. */
    private static final class Writer {
        private final java.io.ByteArrayOutputStream groups = new java.io.ByteArrayOutputStream();
        private long buffer;
        private int count;

        /** The low {@code n} bits of {@code value}, most significant first. */
        void write(int value, int n) {
            buffer = buffer << n | (value & (-1L >>> (64 - n)));
            count += n;
            while (count >= 7) {
                count -= 7;
                groups.write((int) (buffer >>> count) & 0x7f);
            }
        }

        /** Zero bits up to the next 7-bit group. */
        void alignToCharacter() {
            if (count > 0) {
                write(0, 7 - count);
            }
        }

        /** The key (the rarest 7-bit group, so that few characters are U+0000) and then the keyed groups. */
        List<String> chunks() {
            if (count > 0) {
                write(0, 7 - count);
            }
            byte[] g = groups.toByteArray();
            int[] histogram = new int[128];
            for (byte b : g) {
                histogram[b]++;
            }
            int key = 0;
            for (int k = 1; k < 128; k++) {
                if (histogram[k] < histogram[key]) {
                    key = k;
                }
            }
            List<String> chunks = new ArrayList<>();
            StringBuilder s = new StringBuilder();
            s.append((char) key);
            int bytes = key == 0 ? 2 : 1;
            for (byte b : g) {
                char c = (char) (b ^ key);
                int size = c == 0 ? 2 : 1;
                if (bytes + size > MAX_CHUNK_BYTES) {
                    chunks.add(s.toString());
                    s.setLength(0);
                    bytes = 0;
                }
                s.append(c);
                bytes += size;
            }
            chunks.add(s.toString());
            return chunks;
        }
    }
}
