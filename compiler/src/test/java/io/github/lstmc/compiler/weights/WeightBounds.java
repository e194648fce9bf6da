package io.github.lstmc.compiler.weights;

import io.github.lstmc.compiler.WeightStorage;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.HeadLayer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import java.util.ArrayList;
import java.util.List;

/**
 * What a weight storage may do to each stored weight, from the storage alone:
 * <ul>
 *   <li>fp16: round to the nearest half, so {@code |w' - w| <= 2^-11 |w|} for normal halves
 *       ({@code |w| >= 2^-14}) and {@code <= 2^-25} (half the subnormal spacing) below;</li>
 *   <li>int8: {@code w' = q * s} with one scale {@code s = m / 127} per row group ({@code m} its
 *       largest magnitude), so {@code |w' - w| <= s / 2 = m / 254}, plus fp32 rounding of
 *       {@code s}, {@code w / s} and {@code q * s} (a few ulps of {@code m}).</li>
 * </ul>
 * A row group is what {@code plan/Quantizer} scales together: row {@code r} of a cell's input and
 * recurrent weights (one row of its gate product), a projection row, an embedding row, a dense
 * head row. Swapped rows, a wrong scale or a wrong rounding break these bounds.
 */
final class WeightBounds {
    /** fp16's relative rounding bound (half an ulp of an 11-bit significand). */
    static final double FP16_RELATIVE = 0x1p-11;
    /** int8's bound relative to the row's largest magnitude (half a step of {@code m / 127}). */
    static final double INT8_OF_ROW_MAX = 1 / 254.0;

    private WeightBounds() {
    }

    /** The bound relative to the weight scale that {@code storage} rounds with. */
    static double relative(WeightStorage storage) {
        return storage == WeightStorage.FP16 ? FP16_RELATIVE : INT8_OF_ROW_MAX;
    }

    /**
     * Every weight of {@code stored} that is further from {@code original}'s than {@code storage}
     * allows, one line each (empty when all hold).
     */
    static List<String> violations(Model original, Model stored, WeightStorage storage) {
        List<String> out = new ArrayList<>();
        List<Matrix[]> a = groups(original);
        List<Matrix[]> b = groups(stored);
        if (a.size() != b.size()) {
            out.add("different weight groups: " + a.size() + " vs " + b.size());
            return out;
        }
        for (int g = 0; g < a.size(); g++) {
            check(g, a.get(g), b.get(g), storage, out);
        }
        return out;
    }

    private static void check(int group, Matrix[] original, Matrix[] stored, WeightStorage storage, List<String> out) {
        for (int r = 0; r < original[0].rows(); r++) {
            double rowMax = 0;
            for (Matrix m : original) {
                for (float v : m.row(r)) {
                    rowMax = Math.max(rowMax, Math.abs(v));
                }
            }
            for (int m = 0; m < original.length; m++) {
                float[] w = original[m].row(r);
                float[] q = stored[m].row(r);
                for (int c = 0; c < w.length; c++) {
                    double allowed = storage == WeightStorage.FP16
                            ? Math.max(FP16_RELATIVE * Math.abs(w[c]), 0x1p-25)
                            : INT8_OF_ROW_MAX * rowMax + 4 * Math.ulp((float) rowMax);
                    double error = Math.abs((double) q[c] - w[c]);
                    if (!(error <= allowed)) {
                        out.add("group " + group + " matrix " + m + " [" + r + "][" + c + "]: " + w[c] + " stored as "
                                + q[c] + ", error " + error + " > " + allowed);
                    }
                }
            }
        }
    }

    /** The weight matrices a storage rounds, grouped as the quantizer scales them (same row count in a group). */
    static List<Matrix[]> groups(Model model) {
        List<Matrix[]> groups = new ArrayList<>();
        if (model.embedding() != null) {
            groups.add(new Matrix[] {model.embedding().table()});
        }
        model.layers().forEach(layer -> {
            for (DirectionCell c : layer.directions()) {
                groups.add(new Matrix[] {c.inputWeights(), c.recurrentWeights()});
                if (c.projection() != null) {
                    groups.add(new Matrix[] {c.projection()});
                }
            }
        });
        for (HeadLayer stage : model.head()) {
            if (stage instanceof HeadLayer.Dense d) {
                groups.add(new Matrix[] {d.weight()});
            }
        }
        return groups;
    }
}
