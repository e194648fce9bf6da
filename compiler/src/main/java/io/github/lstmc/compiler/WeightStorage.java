package io.github.lstmc.compiler;

import java.util.Locale;

/**
 * How a generated class stores its weight matrices. Computation is always fp32: the class decodes
 * (dequantizes) its weights once, in its static initializer, into the same {@code float[]}s every
 * storage uses, and the interpreter runs the same dequantized values ({@code Quantizer}), so the
 * generated code and the interpreter agree exactly whatever the storage.
 *
 * <p>Only weight matrices are rounded (gate input and recurrent weights, projections, dense head
 * weights, the embedding table); biases, peepholes, input transforms and PReLU slopes stay fp32.
 */
public enum WeightStorage {
    /** The weights as trained. */
    FP32,
    /** IEEE half floats, rounded to nearest even; refused when a weight exceeds 65504 in magnitude. */
    FP16,
    /**
     * Symmetric int8: {@code w = q * s} with {@code q} in {@code -127..127} and one fp32 scale
     * {@code s = max|w| / 127} per output row of each product (a gate row's scale covers its input and
     * recurrent weights; an embedding table has one per token).
     */
    INT8;

    /** The command-line spelling: fp32, fp16, int8. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses fp32, fp16 or int8 (case-insensitively).
     *
     * @throws IllegalArgumentException listing the choices
     */
    public static WeightStorage parse(String text) {
        String key = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (WeightStorage s : values()) {
            if (s.label().equals(key)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown weight storage '" + CompileOptions.printable(text)
                + "' (expected fp32, fp16 or int8)");
    }
}
