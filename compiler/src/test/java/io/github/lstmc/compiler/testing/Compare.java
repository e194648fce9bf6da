package io.github.lstmc.compiler.testing;

import io.github.lstmc.compiler.run.RunOutput;
import java.util.Locale;
import org.opentest4j.AssertionFailedError;

/**
 * Tolerance comparison of run results for differential and golden tests. A failure names the
 * worst element (key and index), both values, the difference and how many elements are off, so
 * a wrong gate or a layout mix-up is visible from the message alone.
 */
public final class Compare {
    private Compare() {
    }

    /** The worst element of one comparison. */
    public record Worst(String path, float expected, float actual, double difference, long exceeding, long total) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: expected %s, got %s (|diff| %.3e); %d of %d elements differ",
                    path, expected, actual, difference, exceeding, total);
        }
    }

    /**
     * Asserts that every array present in {@code expected} (output, h_n, c_n; null ones are
     * skipped) is present in {@code actual} with the same shape and each element within
     * {@code tolerance} (absolute). NaN matches only NaN; equal infinities match.
     */
    public static void assertClose(RunOutput expected, RunOutput actual, double tolerance) {
        assertClose("", expected, actual, tolerance);
    }

    /** As {@link #assertClose(RunOutput, RunOutput, double)}, with {@code context} (e.g. the case name) leading the message. */
    public static void assertClose(String context, RunOutput expected, RunOutput actual, double tolerance) {
        String prefix = context.isEmpty() ? "" : context + ": ";
        if (expected.output() == null && expected.hN() == null && expected.cN() == null) {
            throw new AssertionFailedError(prefix + "expected result has nothing to compare");
        }
        check(prefix, "output", comparable(expected, actual), comparable(actual, expected), tolerance);
        check(prefix, "h_n", expected.hN(), actual.hN(), tolerance);
        check(prefix, "c_n", expected.cN(), actual.cN(), tolerance);
    }

    /**
     * The output of {@code result} in a shape comparable with {@code other}'s: as it is when both have the
     * same form, else as rows {@code [B][1][T*O]} (a file's {@code [B][T]} reads as {@code [B][1][T]},
     * a scalar per-step result is {@code [B][T][1]}: the same values in the same order).
     */
    private static float[][][] comparable(RunOutput result, RunOutput other) {
        if (result.output() == null || other.output() == null || result.form() == other.form()) {
            return result.output();
        }
        float[][] rows = result.outputRows();
        float[][][] flat = new float[rows.length][1][];
        for (int b = 0; b < rows.length; b++) {
            flat[b][0] = rows[b];
        }
        return flat;
    }

    /** Largest absolute difference over the arrays present in {@code expected}; shapes must match. */
    public static double maxAbsDifference(RunOutput expected, RunOutput actual) {
        double max = 0;
        String[] keys = {"output", "h_n", "c_n"};
        float[][][][] want = {comparable(expected, actual), expected.hN(), expected.cN()};
        float[][][][] got = {comparable(actual, expected), actual.hN(), actual.cN()};
        for (int i = 0; i < keys.length; i++) {
            if (want[i] != null) {
                checkShape("", keys[i], want[i], got[i]);
                max = Math.max(max, worst(keys[i], want[i], got[i], Double.POSITIVE_INFINITY).difference());
            }
        }
        return max;
    }

    private static void check(String prefix, String key, float[][][] expected, float[][][] actual, double tolerance) {
        if (expected == null) {
            return;
        }
        checkShape(prefix, key, expected, actual);
        Worst worst = worst(key, expected, actual, tolerance);
        if (worst.exceeding() > 0) {
            throw new AssertionFailedError(prefix + worst + " beyond the absolute tolerance " + tolerance);
        }
    }

    private static void checkShape(String prefix, String key, float[][][] expected, float[][][] actual) {
        if (actual == null) {
            throw new AssertionFailedError(prefix + key + " is missing from the actual result");
        }
        if (actual.length != expected.length) {
            throw new AssertionFailedError(prefix + key + " has " + actual.length + " entries, expected "
                    + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (actual[i].length != expected[i].length) {
                throw new AssertionFailedError(prefix + key + "[" + i + "] has " + actual[i].length
                        + " entries, expected " + expected[i].length);
            }
            for (int j = 0; j < expected[i].length; j++) {
                if (actual[i][j].length != expected[i][j].length) {
                    throw new AssertionFailedError(prefix + key + "[" + i + "][" + j + "] has "
                            + actual[i][j].length + " values, expected " + expected[i][j].length);
                }
            }
        }
    }

    private static Worst worst(String key, float[][][] expected, float[][][] actual, double tolerance) {
        String path = key;
        float wantAtWorst = 0;
        float gotAtWorst = 0;
        double max = -1;
        long exceeding = 0;
        long total = 0;
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                for (int k = 0; k < expected[i][j].length; k++) {
                    float want = expected[i][j][k];
                    float got = actual[i][j][k];
                    double difference = difference(want, got);
                    total++;
                    if (difference > tolerance) {
                        exceeding++;
                    }
                    if (difference > max) {
                        max = difference;
                        path = key + "[" + i + "][" + j + "][" + k + "]";
                        wantAtWorst = want;
                        gotAtWorst = got;
                    }
                }
            }
        }
        return new Worst(path, wantAtWorst, gotAtWorst, Math.max(max, 0), exceeding, total);
    }

    private static double difference(float want, float got) {
        if (Float.isNaN(want) || Float.isNaN(got)) {
            return Float.isNaN(want) && Float.isNaN(got) ? 0 : Double.POSITIVE_INFINITY;
        }
        if (want == got) {
            return 0; // also equal infinities, whose difference would be NaN
        }
        return Math.abs((double) want - (double) got);
    }
}
