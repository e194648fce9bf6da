package io.github.lstmc.compiler.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.lstmc.runtime.LstmState;

/**
 * What one call of a network gave (its flat output and final state), and the two comparisons the
 * differential tests make: against the interpreter within a tolerance, and between back ends bit for bit.
 *
 * @param output the flat output buffer
 * @param state  the state after the call
 */
public record NetworkRun(float[] output, LstmState state) {

    /** Output and every state value within {@code tolerance} (relative above magnitude 1); NaN never matches. */
    public static void assertClose(String what, NetworkRun expected, NetworkRun actual, double tolerance) {
        assertClose(what + " output", expected.output(), actual.output(), tolerance);
        for (int k = 0; k < expected.state().size(); k++) {
            assertClose(what + " hidden(" + k + ")", expected.state().hidden(k), actual.state().hidden(k), tolerance);
            assertClose(what + " cell(" + k + ")", expected.state().cell(k), actual.state().cell(k), tolerance);
        }
    }

    public static void assertClose(String what, float[] expected, float[] actual, double tolerance) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            double allowed = tolerance * Math.max(1, Math.abs(expected[i]));
            if (!(Math.abs(expected[i] - actual[i]) <= allowed)) {
                fail(what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
            }
        }
    }

    /** Output and every state value with the same bits (the two back ends of one plan). */
    public static void assertIdentical(String what, NetworkRun source, NetworkRun bytecode) {
        assertIdentical(what + " output", source.output(), bytecode.output());
        assertIdenticalStates(what + " ", source.state(), bytecode.state());
    }

    /** Every hidden and cell value with the same bits; a GRU or RNN layer's cell arrays must be empty in both. */
    public static void assertIdenticalStates(String what, LstmState expected, LstmState actual) {
        assertEquals(expected.size(), actual.size(), what + "state entries");
        for (int k = 0; k < expected.size(); k++) {
            assertIdentical(what + "hidden(" + k + ")", expected.hidden(k), actual.hidden(k));
            if (expected.cell(k).length > 0 || actual.cell(k).length > 0) {
                assertIdentical(what + "cell(" + k + ")", expected.cell(k), actual.cell(k));
            }
        }
    }

    public static void assertIdentical(String what, float[] source, float[] bytecode) {
        assertEquals(source.length, bytecode.length, what);
        for (int i = 0; i < source.length; i++) {
            if (Float.floatToRawIntBits(source[i]) != Float.floatToRawIntBits(bytecode[i])) {
                fail(what + "[" + i + "]: source back end " + source[i] + " (0x"
                        + Integer.toHexString(Float.floatToRawIntBits(source[i])) + "), bytecode " + bytecode[i]
                        + " (0x" + Integer.toHexString(Float.floatToRawIntBits(bytecode[i])) + ")");
            }
        }
        assertTrue(source.length > 0, what + " is empty");
    }
}
