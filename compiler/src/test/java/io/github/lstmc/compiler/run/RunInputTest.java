package io.github.lstmc.compiler.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.lstmc.compiler.LstmcException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RunInputTest {
    @TempDir
    Path dir;

    private Path file(String json) throws IOException {
        Path file = dir.resolve("in.json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return file;
    }

    private String failure(String json) throws IOException {
        Path file = file(json);
        return assertThrows(LstmcException.class, () -> RunInput.read(file)).getMessage();
    }

    @Test
    void readsEveryField() throws Exception {
        RunInput in = RunInput.read(file("""
                {"input": [[[1, 2.5], [3, -4]], [[0.1, 1e-3], [-0.0, 7]]],
                 "h0": [[[0.5], [0.25]]],
                 "c0": [[[1, 2, 3], [4, 5, 6]]],
                 "lengths": [2, 0]}
                """));
        assertEquals(2, in.batch());
        assertEquals(2, in.sequenceLength());
        assertArrayEquals(new float[] {1f, 2.5f}, in.input()[0][0]);
        assertArrayEquals(new float[] {0.1f, 0.001f}, in.input()[1][0]);
        assertEquals(Float.floatToIntBits(-0.0f), Float.floatToIntBits(in.input()[1][1][0]));
        assertArrayEquals(new float[] {0.25f}, in.h0()[0][1]);
        assertArrayEquals(new float[] {4, 5, 6}, in.c0()[0][1]);
        assertArrayEquals(new int[] {2, 0}, in.lengths());
    }

    @Test
    void optionalFieldsMayBeAbsentOrNull() throws Exception {
        RunInput in = RunInput.read(file("{\"input\": [[[1]]], \"h0\": null}"));
        assertNull(in.h0());
        assertNull(in.c0());
        assertNull(in.lengths());
    }

    @Test
    void parsesDecimalsWithOneCorrectRounding() throws Exception {
        // Just above the midpoint 1 + 5*2^-24 between the floats 1 + 2^-22 (even) and 1 + 3*2^-23
        // (odd): correctly rounded it is the odd one; through double it would first round to the
        // midpoint itself and then, ties to even, down.
        String aboveMidpoint = "1.00000029802322387695312500001";
        float odd = Float.intBitsToFloat(0x3F800003);
        assertEquals(Float.intBitsToFloat(0x3F800002), (float) Double.parseDouble(aboveMidpoint), "double path");
        RunInput in = RunInput.read(file("{\"input\": [[[" + aboveMidpoint + ", 0.1, 16777217, -0.0]]]}"));
        assertEquals(odd, in.input()[0][0][0]);
        assertEquals(0.1f, in.input()[0][0][1]);
        assertEquals(16777216f, in.input()[0][0][2]);
        assertEquals(Float.floatToIntBits(-0.0f), Float.floatToIntBits(in.input()[0][0][3]), "sign of zero kept");
    }

    @Test
    void perLayerStateWidthsMayDiffer() throws Exception {
        RunInput in = RunInput.read(file("{\"input\": [[[1]]], \"h0\": [[[1, 2, 3]], [[4, 5]]]}"));
        assertEquals(3, in.h0()[0][0].length);
        assertEquals(2, in.h0()[1][0].length);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[1, 2]|in.json: expected a JSON object at the top level, found an array",
        "''|in.json: expected a JSON object at the top level, found nothing",
        "{}|in.json: missing required field 'input' ([batch][seq][features])",
        "{\"input\": [[[1]]], \"h_0\": []}|in.json: unknown field 'h_0' (expected c0, h0, input, lengths)",
        "{\"input\": 3}|in.json: input must be an array of batch rows, found a number",
        "{\"input\": []}|in.json: input must have at least one of its batch rows",
        "{\"input\": [[]]}|in.json: input[0] must have at least one of its steps",
        "{\"input\": [[[]]]}|in.json: input[0][0] must have at least one of its features",
        "{\"input\": [[[1]], [[1], [2]]]}|in.json: input[1] has 2 steps, expected 1 like input[0]",
        "{\"input\": [[[1, 2], [1, 2, 3, 4, 5, 6, 7]]]}|in.json: input[0][1] has 7 features, expected 2 like input[0][0]",
        "{\"input\": [[[1, \"2\"]]]}|in.json: input[0][0][1] must be a number, found a string",
        "{\"input\": [[[1, null]]]}|in.json: input[0][0][1] must be a number, found null",
        "{\"input\": [[[1e39]]]}|in.json: input[0][0][0] is 1e39, outside the float32 range",
        "{\"input\": [[[\"NaN\"]]]}|in.json: input[0][0][0] must be a number, found a string",
        "{\"input\": [[[1]]], \"h0\": [[1]]}|in.json: h0[0][0] must be an array of values, found a number",
        "{\"input\": [[[1]]], \"c0\": [[[1]], [[1], [2]]]}|in.json: c0[1] has 2 batch rows, expected 1 like c0[0]",
        "{\"input\": [[[1]]], \"c0\": [[[1], [2, 3]]]}|in.json: c0[0][1] has 2 values, expected 1 like c0[0][0]",
        "{\"input\": [[[1]], [[2]]], \"lengths\": [1]}|in.json: lengths has 1 entries, expected 2 (one per batch row of input)",
        "{\"input\": [[[1]], [[2]]], \"lengths\": [1, 2]}|in.json: lengths[1] is 2, expected 0..1",
        "{\"input\": [[[1]], [[2]]], \"lengths\": [-1, 1]}|in.json: lengths[0] is -1, expected 0..1",
        "{\"input\": [[[1]]], \"lengths\": [0.5]}|in.json: lengths[0] must be an integer, found 0.5",
        "{\"input\": [[[1]]], \"lengths\": 1}|in.json: lengths must be an array of lengths, found a number",
    })
    void rejectsInvalidFilesNamingTheField(String json, String message) throws IOException {
        assertEquals(message, failure(json));
    }

    @Test
    void reportsSyntaxErrorsWithTheirPosition() throws IOException {
        String message = failure("{\"input\": [[[1, 2]]\n, }");
        assertEquals(true, message.startsWith("in.json: invalid JSON at line 2, column "), message);
    }

    @Test
    void rejectsDuplicateKeys() throws IOException {
        String message = failure("{\"input\": [[[1]]], \"input\": [[[2]]]}");
        assertEquals(true, message.startsWith("in.json: invalid JSON at line 1") && message.contains("input"), message);
    }

    @Test
    void rejectsTrailingContent() throws IOException {
        String message = failure("{\"input\": [[[1]]]} {}");
        assertEquals(true, message.startsWith("in.json: invalid JSON"), message);
    }

    @Test
    void reportsAMissingFile() {
        LstmcException e = assertThrows(LstmcException.class, () -> RunInput.read(dir.resolve("absent.json")));
        assertEquals("absent.json: file not found", e.getMessage());
    }
}
