package io.github.lstmc.compiler.load.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.run.RunInput;
import io.github.lstmc.compiler.run.RunOutput;
import io.github.lstmc.compiler.run.Runner;
import io.github.lstmc.compiler.testing.Compare;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.AssertionFailedError;

/**
 * The ONNX conformance cases for LSTM, GRU and RNN (official node tests, the regenerated
 * reverse/bidirectional ones and the unmerged PR 2923 LSTM cases; see the README beside them),
 * rewritten for the run JSON contract: each {@code model.onnx} is imported and run through the reference
 * interpreter. Every value must be within ONNX's own tolerance (|diff| &lt;= 1e-7 + 1e-3 |expected|)
 * and, stricter for values above 0.01, within 1e-5 absolute.
 */
class OnnxNodeTestsTest {
    static final double ONNX_RTOL = 1e-3;
    static final double ONNX_ATOL = 1e-7;
    static final double ABSOLUTE = 1e-5;

    static Path root() throws URISyntaxException {
        return Path.of(OnnxNodeTestsTest.class.getResource("/onnx-node-tests").toURI());
    }

    static Stream<String> cases() throws IOException, URISyntaxException {
        try (Stream<Path> dirs = Files.list(root())) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @Test
    void allCasesArePresent() throws Exception {
        List<String> all = cases().toList();
        assertEquals(32, all.size(), () -> "cases: " + all);
        assertEquals(6, all.stream().filter(n -> n.contains("_gru_")).count(), "GRU cases");
        assertEquals(6, all.stream().filter(n -> n.contains("_rnn_")).count(), "RNN cases");
    }

    @Test
    void gruAndRnnCasesImportAsTheirCells() throws Exception {
        Model gru = Lstmc.compiler().load(root().resolve("official-test_gru_with_initial_bias/model.onnx"));
        assertEquals(List.of(io.github.lstmc.compiler.model.CellKind.GRU), gru.cellKinds());
        assertTrue(!gru.layers().get(0).linearBeforeReset(), "ONNX's default linear_before_reset is 0");
        Model rnn = Lstmc.compiler().load(root().resolve("regenerated-test_simple_rnn_bidirectional/model.onnx"));
        assertEquals(List.of(io.github.lstmc.compiler.model.CellKind.RNN), rnn.cellKinds());
        assertEquals(2, rnn.directionCount());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesExpectedOutputs(String name) throws Exception {
        Path dir = root().resolve(name);
        Model model = Lstmc.compiler().load(dir.resolve("model.onnx"));
        RunInput input = RunInput.read(dir.resolve("input.json"));
        RunOutput expected = RunOutput.read(dir.resolve("expected.json"));
        RunOutput actual = Runner.run(Lstmc.compiler().interpreter(model), input);
        assertWithinOnnxTolerance(name, expected, actual);
        Compare.assertClose(name, expected, actual, ABSOLUTE);
    }

    @Test
    void batchwiseCaseImportsAsBatchFirst() throws Exception {
        Model model = Lstmc.compiler().load(root().resolve("official-test_lstm_batchwise/model.onnx"));
        assertEquals(io.github.lstmc.runtime.Layout.BATCH_FIRST, model.layout());
    }

    @Test
    void initialStateCasesNameTheirGraphInputs() throws Exception {
        OnnxImport imported = OnnxLoader.read(root().resolve("pr2923-test_lstm_with_initial_h_and_c/model.onnx"));
        assertEquals("initial_h", imported.initialHidden());
        assertEquals("initial_c", imported.initialCell());
        assertTrue(imported.sequenceLengths() == null);
    }

    static void assertWithinOnnxTolerance(String name, RunOutput expected, RunOutput actual) throws LstmcException {
        String[] keys = {"output", "h_n", "c_n"};
        float[][][][] want = {expected.output(), expected.hN(), expected.cN()};
        float[][][][] got = {actual.output(), actual.hN(), actual.cN()};
        for (int key = 0; key < keys.length; key++) {
            if (want[key] == null) {
                continue;
            }
            for (int i = 0; i < want[key].length; i++) {
                for (int j = 0; j < want[key][i].length; j++) {
                    for (int k = 0; k < want[key][i][j].length; k++) {
                        double e = want[key][i][j][k];
                        double a = got[key][i][j][k];
                        if (!(Math.abs(a - e) <= ONNX_ATOL + ONNX_RTOL * Math.abs(e))) {
                            throw new AssertionFailedError(name + ": " + keys[key] + List.of(i, j, k) + " expected " + e
                                    + ", got " + a + " (beyond rtol 1e-3, atol 1e-7)");
                        }
                    }
                }
            }
        }
    }
}
