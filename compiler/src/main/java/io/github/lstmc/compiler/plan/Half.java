package io.github.lstmc.compiler.plan;

/** IEEE 754 half precision (binary16) conversions (Java 17 has none in its API). */
public final class Half {
    /** The largest finite half. */
    public static final float MAX = 65504f;

    private Half() {
    }

    /** The half nearest to {@code f} (ties to even; beyond {@link #MAX} rounds to infinity), as 16 bits. */
    public static int fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = bits >>> 16 & 0x8000;
        int exponent = bits >>> 23 & 0xff;
        int mantissa = bits & 0x7fffff;
        if (exponent == 0xff) {
            return sign | 0x7c00 | (mantissa == 0 ? 0 : 0x200 | mantissa >>> 13);
        }
        int e = exponent - 112; // the half's biased exponent
        if (e >= 0x1f) {
            return sign | 0x7c00;
        }
        if (e >= 1) {
            int h = e << 10 | mantissa >>> 13;
            int dropped = mantissa & 0x1fff;
            if (dropped > 0x1000 || dropped == 0x1000 && (h & 1) == 1) {
                h++; // may carry into the exponent, up to infinity: still the right rounding
            }
            return sign | h;
        }
        if (exponent == 0) {
            return sign; // float subnormals are far below the smallest half
        }
        // a half subnormal: units of 2^-24; the value is (mantissa | 2^23) * 2^(exponent - 150)
        int full = mantissa | 0x800000;
        int shift = 126 - exponent;
        if (shift > 24) {
            return sign;
        }
        int h = full >>> shift;
        int dropped = full & ((1 << shift) - 1);
        int halfway = 1 << (shift - 1);
        if (dropped > halfway || dropped == halfway && (h & 1) == 1) {
            h++;
        }
        return sign | h;
    }

    /** The float of half bits {@code h} (exact). */
    public static float toFloat(int h) {
        int sign = h >>> 15 & 1;
        int exponent = h >>> 10 & 0x1f;
        int mantissa = h & 0x3ff;
        float magnitude;
        if (exponent == 0x1f) {
            magnitude = mantissa == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else if (exponent == 0) {
            magnitude = mantissa * 0x1p-24f;
        } else {
            magnitude = Float.intBitsToFloat((exponent + 112) << 23 | mantissa << 13);
        }
        return sign == 0 ? magnitude : -magnitude;
    }

    /** {@code f} rounded to the nearest half, as a float. */
    public static float round(float f) {
        return toFloat(fromFloat(f));
    }
}
