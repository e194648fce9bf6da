package io.github.lstmc.compiler;

import io.github.lstmc.compiler.emit.bytecode.BytecodeEmitter;
import io.github.lstmc.compiler.interpret.Interpreter;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.plan.Plan;
import io.github.lstmc.compiler.plan.PlanOptions;
import io.github.lstmc.compiler.plan.Planner;
import io.github.lstmc.compiler.plan.Quantizer;
import io.github.lstmc.compiler.plan.WeightField;
import io.github.lstmc.runtime.LstmNetwork;
import java.util.Random;

/**
 * What a weight storage costs and changes for one model: the size of the class the bytecode back
 * end renders, the bytes of its packed weight constants, and how far the outputs move from fp32's
 * on a seeded random input (computed by the interpreter on the dequantized weights, which the
 * generated class reproduces exactly).
 *
 * @param storage        the storage
 * @param classBytes     bytes of the generated class file
 * @param packedBytes    bytes of its weight constants
 * @param parameters     the model's parameter count ({@code 4 * parameters} bytes as fp32)
 * @param maxAbsDiff     largest absolute output difference from fp32
 * @param meanAbsDiff    mean absolute output difference from fp32
 */
public record StorageReport(WeightStorage storage, long classBytes, long packedBytes, long parameters,
                            double maxAbsDiff, double meanAbsDiff) {

    /** Batch rows and steps of the seeded random input. */
    static final int BATCH = 2; // a model with constant lengths: their rows, and at least their longest length of steps
    static final int STEPS = 8;

    /** Class bytes per fp32 weight byte ({@code classBytes / (4 * parameters)}). */
    public double classRatio() {
        return classBytes / (4.0 * Math.max(1, parameters));
    }

    /** Measures {@code storage} on {@code model}. */
    public static StorageReport of(Model model, WeightStorage storage) {
        Model stored = Quantizer.quantize(model, storage);
        Plan plan = Planner.plan(stored, PlanOptions.DEFAULT.withWeights(storage));
        long packed = 0;
        for (WeightField f : plan.weights()) {
            packed += f.packedBytes();
        }
        CompileOptions options = CompileOptions.of(CompileOptions.DEFAULT_PACKAGE, "Measured")
                .withBackend(Backend.BYTECODE);
        long classBytes = BytecodeEmitter.emit(plan, options).files().get(0).content().length;
        Difference d = storage == WeightStorage.FP32 ? new Difference(0, 0, 0) : Difference.of(model, stored);
        return new StorageReport(storage, classBytes, packed, model.parameterCount(), d.max(), d.mean());
    }

    /**
     * How far {@code other}'s outputs are from {@code reference}'s on the seeded random input (both run
     * by the interpreter, in double): absolute differences over every output element.
     *
     * @param max       the largest
     * @param mean      their mean
     * @param magnitude the largest absolute reference output (what the differences compare with)
     */
    public record Difference(double max, double mean, double magnitude) {
        /** Measures {@code other} against {@code reference}; the models must have the same input and outputs. */
        public static Difference of(Model reference, Model other) {
            java.util.List<Integer> fixed = reference.fixedLengths();
            int batch = fixed == null ? BATCH : fixed.size();
            int steps = fixed == null ? STEPS
                    : Math.max(STEPS, fixed.stream().mapToInt(Integer::intValue).max().orElse(0));
            float[] expected = outputs(new Interpreter(reference), batch, steps);
            float[] got = outputs(new Interpreter(other), batch, steps);
            double max = 0;
            double sum = 0;
            double magnitude = 0;
            for (int i = 0; i < expected.length; i++) {
                double d = Math.abs((double) got[i] - expected[i]);
                max = Math.max(max, d);
                sum += d;
                magnitude = Math.max(magnitude, Math.abs(expected[i]));
            }
            return new Difference(max, expected.length == 0 ? 0 : sum / expected.length, magnitude);
        }
    }

    /** Every output of {@code network} on the seeded random input, flattened. */
    static float[] outputs(LstmNetwork network, int batch, int steps) {
        Random random = new Random(13);
        int vocabulary = network.vocabularySize();
        int[][] tokens = new int[batch][steps];
        float[][][] input = new float[batch][steps][network.inputSize()];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                if (vocabulary > 0) {
                    tokens[b][t] = random.nextInt(vocabulary);
                } else {
                    for (int k = 0; k < input[b][t].length; k++) {
                        input[b][t][k] = random.nextFloat() * 2 - 1;
                    }
                }
            }
        }
        float[] flat = new float[0];
        if (network.reducesTime()) {
            float[][] out = vocabulary > 0 ? network.predict(tokens) : network.predict(input);
            for (float[] row : out) {
                flat = concat(flat, row);
            }
        } else {
            float[][][] out = vocabulary > 0 ? network.forward(tokens) : network.forward(input);
            for (float[][] seq : out) {
                for (float[] row : seq) {
                    flat = concat(flat, row);
                }
            }
        }
        return flat;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** One line: storage, class bytes and ratio, constants, differences. */
    public String describe() {
        String diff = storage == WeightStorage.FP32 ? "reference"
                : String.format(java.util.Locale.ROOT, "max |diff| %.3g, mean %.3g", maxAbsDiff, meanAbsDiff);
        return String.format(java.util.Locale.ROOT, "%-5s class %,d bytes (%.3fx the fp32 weights), constants %.2f bytes"
                + " per parameter, %s", storage.label(), classBytes, classRatio(),
                packedBytes / (double) Math.max(1, parameters), diff);
    }
}
