package io.github.lstmc.compiler.plan;

/**
 * The knobs of the {@link Planner}: where unrolling stops paying and how large generated methods may grow.
 *
 * <p>Defaults were chosen before measuring (the performance issue tunes them): a direction's gate
 * products are unrolled, weights as literals, when they hold at most {@value #DEFAULT_MAX_UNROLLED_PER_PRODUCT}
 * weights (e.g. H = 16 with I = S = 16 is 4 * 16 * 32 = 2048); beyond that a fixed-bound loop over
 * transposed weight rows (which C2 vectorizes) wins, because unrolled code grows the instruction cache
 * footprint linearly while the loop does not. The whole class unrolls at most
 * {@value #DEFAULT_MAX_UNROLLED_PER_CLASS} weights, which keeps the constant pool (one entry per
 * distinct float literal) far below its 65,535-entry limit. An unrolled method is cut when its
 * estimated bytecode reaches {@value #DEFAULT_METHOD_BYTECODE_BUDGET} bytes, safely below HotSpot's
 * 8,000-byte JIT limit. Looped gate products precompute their input part for the whole sequence
 * in tiles of {@value #DEFAULT_PRECOMPUTE_TILE} positions ({@link InputProjection}), which reads each
 * weight row once per tile instead of once per position; 0 turns this off.
 *
 * @param maxUnrolledPerProduct largest number of weights (zeros included) one product may have and still be unrolled;
 *                              0 disables unrolling
 * @param maxUnrolledPerClass   largest number of unrolled weights in the whole class
 * @param methodBytecodeBudget  estimated bytecode bytes after which an unrolled method is split (at most 7,000)
 * @param precomputeTile        positions per tile of the input pre-pass of looped products; 0: no pre-pass
 */
public record PlanOptions(int maxUnrolledPerProduct, int maxUnrolledPerClass, int methodBytecodeBudget,
                          int precomputeTile) {

    public static final int DEFAULT_MAX_UNROLLED_PER_PRODUCT = 4096;
    public static final int DEFAULT_MAX_UNROLLED_PER_CLASS = 32768;
    public static final int DEFAULT_METHOD_BYTECODE_BUDGET = 6000;
    public static final int DEFAULT_PRECOMPUTE_TILE = 8;

    /** The defaults above. */
    public static final PlanOptions DEFAULT = new PlanOptions(
            DEFAULT_MAX_UNROLLED_PER_PRODUCT, DEFAULT_MAX_UNROLLED_PER_CLASS, DEFAULT_METHOD_BYTECODE_BUDGET);

    /** Never unroll: every product is a loop (useful to test the looped path on small models). */
    public static final PlanOptions LOOPS_ONLY = new PlanOptions(0, 0, DEFAULT_METHOD_BYTECODE_BUDGET);

    /** With the default pre-pass tile. */
    public PlanOptions(int maxUnrolledPerProduct, int maxUnrolledPerClass, int methodBytecodeBudget) {
        this(maxUnrolledPerProduct, maxUnrolledPerClass, methodBytecodeBudget, DEFAULT_PRECOMPUTE_TILE);
    }

    /** These options with another pre-pass tile (0: none). */
    public PlanOptions withPrecomputeTile(int tile) {
        return new PlanOptions(maxUnrolledPerProduct, maxUnrolledPerClass, methodBytecodeBudget, tile);
    }

    public PlanOptions {
        if (precomputeTile < 0) {
            throw new IllegalArgumentException("precompute tile must not be negative, got " + precomputeTile);
        }
        if (maxUnrolledPerProduct < 0 || maxUnrolledPerClass < 0) {
            throw new IllegalArgumentException("unroll limits must not be negative");
        }
        if (methodBytecodeBudget < 500 || methodBytecodeBudget > 7000) {
            throw new IllegalArgumentException("method bytecode budget must be in 500..7000, got " + methodBytecodeBudget);
        }
    }
}
