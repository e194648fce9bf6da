package io.github.lstmc.compiler.plan;

import io.github.lstmc.compiler.WeightStorage;

/**
 * The knobs of the {@link Planner}: where unrolling stops paying and how large generated methods may grow.
 *
 * <p>Defaults come from interleaved A/B timings of the bytecode back end on JDK 17 (AMD EPYC with
 * AVX2, one forward layer, T = 50, batch 1, a heavily shared machine, so only ratios count; see
 * {@code compiler/src/test/java/io/github/lstmc/compiler/perf/QuickBench.java}): once the cell update
 * and the looped products vectorize, the loops beat unrolled code at every size measured, by 2-3x
 * from I = H = 8 up (I, H = 8, 8: 120 vs 60 us; 16, 8: 205 vs 85; 8, 16: 480 vs 175) and tie at
 * I = H = 4 (29 vs 22, within noise). An unrolled row is one long chain of dependent float additions
 * (latency-bound), while the loops run 8 rows per instruction. So a product is unrolled, weights as
 * literals (zero weights dropped), only when it holds at most {@value #DEFAULT_MAX_UNROLLED_PER_PRODUCT}
 * weights (I = H = 4 is 4 * 4 * 8 = 128);
 * beyond that it is a fixed-bound loop over transposed weight rows. The whole class unrolls at most
 * {@value #DEFAULT_MAX_UNROLLED_PER_CLASS} weights, which keeps the constant pool (one entry per
 * distinct float literal) far below its 65,535-entry limit. An unrolled method is cut when its
 * estimated bytecode reaches {@value #DEFAULT_METHOD_BYTECODE_BUDGET} bytes, safely below HotSpot's
 * 8,000-byte JIT limit.
 *
 * <p>{@code precomputeTile > 0} makes looped gate products precompute their input part for the whole
 * sequence in tiles of that many positions ({@link InputProjection}), reading each weight row once
 * per tile instead of once per position. It is off by default: a first measurement on JDK 17
 * (I = 96, H = 74, T = 200, batch 1) found the pre-pass 2.5x slower than the plain loops, because
 * its accumulation {@code xz[base + r] += w[r] * v} indexes the output at an offset the weight row
 * does not share, and C2 then leaves the loop scalar (it cannot rule out overlap of the two arrays).
 * The performance issue should re-measure it with large batches and long sequences.
 *
 * @param maxUnrolledPerProduct largest number of weights (zeros included) one product may have and still be unrolled;
 *                              0 disables unrolling
 * @param maxUnrolledPerClass   largest number of unrolled weights in the whole class
 * @param methodBytecodeBudget  estimated bytecode bytes after which an unrolled method is split (at most 7,000)
 * <p>{@code accumulationBlock} is how many input elements one pass of a looped product folds into the
 * output vector ({@link LoopedMatVec#block()}): {@code out[r] = out[r] + w0[r]*v0 + w1[r]*v1 + ...},
 * left to right, so the sum keeps the sequential order (same bits for every block size) while the
 * output is loaded and stored once per block instead of once per input element. Measured (same
 * harness, I x H x T = 8x16x50 .. 128x256x100): block 2 is 5-25% slower than 4, and 8 is 0-10%
 * faster than 4, hence {@value #DEFAULT_ACCUMULATION_BLOCK}.
 *
 * @param precomputeTile        positions per tile of the input pre-pass of looped products; 0: no pre-pass
 *                              (in the Vector API tier any positive value turns its pre-pass on, which
 *                              groups {@value BatchGroup#VECTOR_SIZE} positions itself)
 * @param accumulationBlock     input elements per pass over the output in looped products, 1..8
 * <p>{@code batchGroup} is how many batch rows a looped gate product serves per pass over its
 * weights ({@link BatchGroup}): rows of equal length step in lockstep, so each weight row loaded is
 * used that many times. 1 walks the rows one after another (the former behaviour). Measured with
 * QuickBench (I, H, T, B = 64, 128, 100, 16, bytecode, shared machine): 13.2 ms with 1, 9.6 ms with 4;
 * batch 1 is unchanged (a group needs at least {@code batchGroup} rows of equal length).
 *
 * @param batchGroup            batch rows per pass over the gate weights, 1..{@value BatchGroup#MAX_SIZE};
 *                              the Vector API tier groups {@value BatchGroup#VECTOR_SIZE} rows whenever this is above 1
 * <p>{@code vectorApi} selects the opt-in second tier ({@link io.github.lstmc.compiler.CompileOptions#vectorApi()}):
 * every looped product becomes a {@link VectorMatVec} (register-blocked, fused multiply-add, JDK 17+
 * with {@code jdk.incubator.vector}); batch groups have {@value BatchGroup#VECTOR_SIZE} rows, and
 * {@code precomputeTile > 0} selects its own input pre-pass (which turns groups off).
 * Measured on this machine (JDK 17, AVX2; generated gate-product methods timed alone, per step):
 * I x H = 8x16: 0.07 vs 0.23 us; 32x64: 1.2-1.4 vs 2.0; 64x128: 5.4 vs 6.3-7.5; batch 16 at
 * 64x128 (groups of 6): 17-23 us per 6 rows vs 30 row by row. Whole forwards with JMH are in
 * samples/benchmarks/README.md. The tier also vectorizes
 * the cell update ({@link CellUpdate#vectorized()}) when its activations have vector forms: C2
 * barely vectorizes the short loops of H = 16..64 (pre- and post-loops), and with the Vector API the
 * whole forward (QuickBench, bytecode, T = 50..100, batch 1) went from 0.27-0.36 to 0.15-0.20 us per
 * step at 8x16, and about 10-15% faster at 32x64.
 * @param vectorApi             render looped products (and cell updates, when possible) with the Vector API
 *                              ({@link VectorMatVec}, {@link CellUpdate#vectorized()})
 * @param weights               how weight fields are stored ({@link WeightStorage}): the planner stores each
 *                              field in it when that reproduces the field's values exactly (the facade
 *                              quantizes the model first, {@link Quantizer}), else in a wider encoding
 * @param folding               whether a token network's embedding is folded into its first layer's input product
 *                              ({@link EmbeddingFolding}; AUTO by default)
 */
public record PlanOptions(int maxUnrolledPerProduct, int maxUnrolledPerClass, int methodBytecodeBudget,
                          int precomputeTile, int accumulationBlock, int batchGroup, boolean vectorApi,
                          WeightStorage weights, EmbeddingFolding folding) {

    public static final int DEFAULT_MAX_UNROLLED_PER_PRODUCT = 128;
    public static final int DEFAULT_MAX_UNROLLED_PER_CLASS = 32768;
    public static final int DEFAULT_METHOD_BYTECODE_BUDGET = 6000;
    public static final int DEFAULT_PRECOMPUTE_TILE = 0;
    public static final int DEFAULT_ACCUMULATION_BLOCK = 8;
    public static final int DEFAULT_BATCH_GROUP = 4;

    /** The defaults above. */
    public static final PlanOptions DEFAULT = new PlanOptions(
            DEFAULT_MAX_UNROLLED_PER_PRODUCT, DEFAULT_MAX_UNROLLED_PER_CLASS, DEFAULT_METHOD_BYTECODE_BUDGET);

    /** Never unroll: every product is a loop (useful to test the looped path on small models). */
    public static final PlanOptions LOOPS_ONLY = new PlanOptions(0, 0, DEFAULT_METHOD_BYTECODE_BUDGET);

    /** With the default pre-pass tile (none) and accumulation block. */
    public PlanOptions(int maxUnrolledPerProduct, int maxUnrolledPerClass, int methodBytecodeBudget) {
        this(maxUnrolledPerProduct, maxUnrolledPerClass, methodBytecodeBudget, DEFAULT_PRECOMPUTE_TILE);
    }

    /** With the default accumulation block. */
    public PlanOptions(int maxUnrolledPerProduct, int maxUnrolledPerClass, int methodBytecodeBudget,
                       int precomputeTile) {
        this(maxUnrolledPerProduct, maxUnrolledPerClass, methodBytecodeBudget, precomputeTile,
                DEFAULT_ACCUMULATION_BLOCK);
    }

    /** With the default batch group. */
    public PlanOptions(int maxUnrolledPerProduct, int maxUnrolledPerClass, int methodBytecodeBudget,
                       int precomputeTile, int accumulationBlock) {
        this(maxUnrolledPerProduct, maxUnrolledPerClass, methodBytecodeBudget, precomputeTile, accumulationBlock,
                DEFAULT_BATCH_GROUP);
    }

    /** Without the Vector API tier. */
    public PlanOptions(int maxUnrolledPerProduct, int maxUnrolledPerClass, int methodBytecodeBudget,
                       int precomputeTile, int accumulationBlock, int batchGroup) {
        this(maxUnrolledPerProduct, maxUnrolledPerClass, methodBytecodeBudget, precomputeTile, accumulationBlock,
                batchGroup, false);
    }

    /** With fp32 weights. */
    public PlanOptions(int maxUnrolledPerProduct, int maxUnrolledPerClass, int methodBytecodeBudget,
                       int precomputeTile, int accumulationBlock, int batchGroup, boolean vectorApi) {
        this(maxUnrolledPerProduct, maxUnrolledPerClass, methodBytecodeBudget, precomputeTile, accumulationBlock,
                batchGroup, vectorApi, WeightStorage.FP32);
    }

    /** With embedding folding AUTO. */
    public PlanOptions(int maxUnrolledPerProduct, int maxUnrolledPerClass, int methodBytecodeBudget,
                       int precomputeTile, int accumulationBlock, int batchGroup, boolean vectorApi,
                       WeightStorage weights) {
        this(maxUnrolledPerProduct, maxUnrolledPerClass, methodBytecodeBudget, precomputeTile, accumulationBlock,
                batchGroup, vectorApi, weights, EmbeddingFolding.AUTO);
    }

    /** These options with another embedding folding choice. */
    public PlanOptions withFolding(EmbeddingFolding choice) {
        return new PlanOptions(maxUnrolledPerProduct, maxUnrolledPerClass, methodBytecodeBudget, precomputeTile,
                accumulationBlock, batchGroup, vectorApi, weights, choice);
    }

    /** These options with another pre-pass tile (0: none). */
    public PlanOptions withPrecomputeTile(int tile) {
        return new PlanOptions(maxUnrolledPerProduct, maxUnrolledPerClass, methodBytecodeBudget, tile,
                accumulationBlock, batchGroup, vectorApi, weights, folding);
    }

    /** These options with another accumulation block (input elements per pass, 1..8). */
    public PlanOptions withAccumulationBlock(int block) {
        return new PlanOptions(maxUnrolledPerProduct, maxUnrolledPerClass, methodBytecodeBudget, precomputeTile,
                block, batchGroup, vectorApi, weights, folding);
    }

    /** These options with another batch group (rows per pass over the gate weights, 1..6). */
    public PlanOptions withBatchGroup(int group) {
        return new PlanOptions(maxUnrolledPerProduct, maxUnrolledPerClass, methodBytecodeBudget, precomputeTile,
                accumulationBlock, group, vectorApi, weights, folding);
    }

    /** These options with the Vector API tier on or off. */
    public PlanOptions withVectorApi(boolean on) {
        return new PlanOptions(maxUnrolledPerProduct, maxUnrolledPerClass, methodBytecodeBudget, precomputeTile,
                accumulationBlock, batchGroup, on, weights, folding);
    }

    /** These options with another weight storage. */
    public PlanOptions withWeights(WeightStorage storage) {
        return new PlanOptions(maxUnrolledPerProduct, maxUnrolledPerClass, methodBytecodeBudget, precomputeTile,
                accumulationBlock, batchGroup, vectorApi, storage, folding);
    }

    public PlanOptions {
        if (weights == null) {
            throw new IllegalArgumentException("weight storage must not be null");
        }
        if (folding == null) {
            throw new IllegalArgumentException("embedding folding must not be null");
        }
        if (batchGroup < 1 || batchGroup > BatchGroup.MAX_SIZE) {
            throw new IllegalArgumentException("batch group must be in 1.." + BatchGroup.MAX_SIZE + ", got " + batchGroup);
        }
        if (accumulationBlock < 1 || accumulationBlock > 8) {
            throw new IllegalArgumentException("accumulation block must be in 1..8, got " + accumulationBlock);
        }
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
