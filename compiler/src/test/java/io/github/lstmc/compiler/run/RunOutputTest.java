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
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunOutputTest {
    @TempDir
    Path dir;

    /** Random bit patterns (every exponent, subnormals, signed zeros), plus the non-finite values. */
    private static float[][][] randomFloats(Random rnd, int a, int b, int c) {
        float[][][] values = new float[a][b][c];
        for (float[][] plane : values) {
            for (float[] row : plane) {
                for (int k = 0; k < row.length; k++) {
                    row[k] = Float.intBitsToFloat(rnd.nextInt());
                }
            }
        }
        return values;
    }

    private static void assertBitsEqual(float[][][] expected, float[][][] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].length, actual[i].length);
            for (int j = 0; j < expected[i].length; j++) {
                assertEquals(expected[i][j].length, actual[i][j].length);
                for (int k = 0; k < expected[i][j].length; k++) {
                    float want = expected[i][j][k];
                    float got = actual[i][j][k];
                    // Any NaN payload is written as "NaN" and comes back as the canonical NaN.
                    int wantBits = Float.isNaN(want) ? Float.floatToIntBits(Float.NaN) : Float.floatToRawIntBits(want);
                    assertEquals(wantBits, Float.floatToRawIntBits(got), "[" + i + "][" + j + "][" + k + "]");
                }
            }
        }
    }

    @Test
    void roundTripsEveryFloat32BitPattern() throws Exception {
        Random rnd = new Random(42);
        float[][][] output = randomFloats(rnd, 3, 4, 50);
        output[0][0][0] = Float.MIN_VALUE;
        output[0][0][1] = -0.0f;
        output[0][0][2] = Float.MAX_VALUE;
        output[0][0][3] = Float.NaN;
        output[0][0][4] = Float.POSITIVE_INFINITY;
        output[0][0][5] = Float.NEGATIVE_INFINITY;
        output[0][0][6] = 0.1f;
        float[][][] hN = randomFloats(rnd, 2, 3, 7);
        float[][][] cN = {randomFloats(rnd, 1, 3, 9)[0], randomFloats(rnd, 1, 3, 5)[0]};
        Path file = dir.resolve("out.json");
        new RunOutput(output, hN, cN).write(file);
        RunOutput back = RunOutput.read(file);
        assertBitsEqual(output, back.output());
        assertBitsEqual(hN, back.hN());
        assertBitsEqual(cN, back.cN());
    }

    @Test
    void writesDeterministicTextAtomically() throws Exception {
        RunOutput out = new RunOutput(new float[][][] {{{1f, -0.5f}, {1e-5f, 3f}}}, null,
                new float[][][] {{{2f}}});
        Path file = dir.resolve("out.json");
        Files.writeString(file, "old content that is longer than the new one ....................................");
        out.write(file);
        String text = Files.readString(file);
        assertEquals("""
                {
                  "output": [
                    [
                      [1.0, -0.5],
                      [1.0E-5, 3.0]
                    ]
                  ],
                  "c_n": [
                    [
                      [2.0]
                    ]
                  ]
                }
                """, text);
        out.write(file);
        assertEquals(text, Files.readString(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void readsTheGoldenKeysAndLeavesAbsentOnesNull() throws Exception {
        Path file = dir.resolve("expected.json");
        Files.writeString(file, "{\"h_n\": [[[0.5, 0.25]]], \"output\": [[[1, \"-Infinity\"]]]}", StandardCharsets.UTF_8);
        RunOutput out = RunOutput.read(file);
        assertArrayEquals(new float[] {1f, Float.NEGATIVE_INFINITY}, out.output()[0][0]);
        assertArrayEquals(new float[] {0.5f, 0.25f}, out.hN()[0][0]);
        assertNull(out.cN());
    }

    private String failure(String json) throws IOException {
        Path file = dir.resolve("expected.json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return assertThrows(LstmcException.class, () -> RunOutput.read(file)).getMessage();
    }

    @Test
    void rejectsInvalidResults() throws IOException {
        assertEquals("expected.json: expected at least one of output, h_n, c_n", failure("{}"));
        assertEquals("expected.json: unknown field 'hN' (expected c_n, h_n, output)", failure("{\"hN\": [[[1]]]}"));
        assertEquals("expected.json: output[0][1] has 1 features, expected 2 like output[0][0]",
                failure("{\"output\": [[[1, 2], [3]]]}"));
        assertEquals("expected.json: h_n[0][0][0] must be a number, found a string",
                failure("{\"h_n\": [[[\"nan\"]]]}"));
        assertEquals("expected.json: expected a JSON object at the top level, found a number", failure("7"));
    }
}
