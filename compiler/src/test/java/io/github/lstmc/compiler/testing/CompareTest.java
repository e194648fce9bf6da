package io.github.lstmc.compiler.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.lstmc.compiler.run.RunOutput;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class CompareTest {
    private static final float[][][] OUTPUT = {{{0f, 1f}, {2f, 3f}}};
    private static final float[][][] STATE = {{{0.5f, 0.25f}}};

    @Test
    void acceptsDifferencesWithinTheTolerance() {
        RunOutput expected = new RunOutput(OUTPUT, STATE, STATE);
        RunOutput actual = new RunOutput(new float[][][] {{{0f, 1.000001f}, {2f, 3f}}}, STATE, STATE);
        Compare.assertClose(expected, actual, 1e-5);
        assertEquals((double) 1.000001f - 1.0, Compare.maxAbsDifference(expected, actual), 0.0);
    }

    @Test
    void namesTheWorstElementAndCountsTheOthers() {
        RunOutput expected = new RunOutput(OUTPUT, null, null);
        RunOutput actual = new RunOutput(new float[][][] {{{0.001f, 1f}, {2f, 2.5f}}}, null, null);
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Compare.assertClose("case", expected, actual, 1e-5));
        assertEquals("case: output[0][1][1]: expected 3.0, got 2.5 (|diff| 5.000e-01); 2 of 4 elements differ"
                + " beyond the absolute tolerance 1.0E-5", e.getMessage());
    }

    @Test
    void comparesOnlyTheKeysTheExpectedResultHas() {
        RunOutput expected = new RunOutput(null, STATE, null);
        Compare.assertClose(expected, new RunOutput(OUTPUT, STATE, new float[][][] {{{9f}}}), 0);
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Compare.assertClose(expected, new RunOutput(OUTPUT, null, STATE), 0));
        assertEquals("h_n is missing from the actual result", e.getMessage());
    }

    @Test
    void reportsShapeMismatchesAndNaN() {
        RunOutput expected = new RunOutput(null, STATE, null);
        AssertionFailedError shape = assertThrows(AssertionFailedError.class,
                () -> Compare.assertClose(expected, new RunOutput(null, new float[][][] {{{0.5f}}}, null), 1));
        assertEquals("h_n[0][0] has 1 values, expected 2", shape.getMessage());
        AssertionFailedError nan = assertThrows(AssertionFailedError.class,
                () -> Compare.assertClose(expected, new RunOutput(null, new float[][][] {{{0.5f, Float.NaN}}}, null), 1));
        assertEquals(true, nan.getMessage().startsWith("h_n[0][0][1]: expected 0.25, got NaN"), nan.getMessage());
    }
}
