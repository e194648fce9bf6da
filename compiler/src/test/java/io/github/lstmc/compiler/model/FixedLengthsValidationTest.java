package io.github.lstmc.compiler.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.lstmc.compiler.testing.RandomModels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Model#fixedLengths()}: what the IR accepts, and the one-line messages for what it refuses. */
class FixedLengthsValidationTest {
    private static final Model STACK = RandomModels.model(3, RandomModels.Features.plain().withMaxLayers(1));

    private static String refusal(Model model, List<Integer> lengths) {
        return assertThrows(IllegalArgumentException.class, () -> model.withFixedLengths(lengths)).getMessage();
    }

    @Test
    void acceptsZeroAndKeepsAnImmutableCopy() {
        List<Integer> given = new ArrayList<>(List.of(3, 0, 7));
        Model model = STACK.withFixedLengths(given);
        given.set(0, 9);
        assertEquals(List.of(3, 0, 7), model.fixedLengths());
        assertFalse(model.streamable());
        assertEquals(model, STACK.withFixedLengths(List.of(3, 0, 7)));
    }

    @Test
    void refusesEmptyTooManyNegativeAndUselessLengths() {
        assertEquals("fixed sequence lengths: need 1..4096 rows, got 0", refusal(STACK, List.of()));
        assertEquals("fixed sequence lengths: need 1..4096 rows, got 4097",
                refusal(STACK, Collections.nCopies(4097, 1)));
        assertEquals("fixed sequence lengths: row 1 must be at least 0, got -2", refusal(STACK, List.of(1, -2)));
        Model unmasked = STACK.withStages(null, null, TimeReduction.LAST_STEP, List.of(), false, false);
        assertEquals("fixed sequence lengths: neither mask the recurrent stack nor choose the steps of the reduction"
                + " (LAST_STEP)", refusal(unmasked, List.of(2)));
    }
}
