package io.github.lstmc.compiler.load.onnx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.lstmc.compiler.LstmcException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Corrupted models (random byte flips, truncations, spliced garbage) must either import or fail
 * with a one-line {@link LstmcException}: never another exception, never a hang.
 */
class OnnxFuzzTest {
    static final int MUTATIONS = 120;

    static Stream<String> models() {
        return Stream.of("/goldens/onnx-export/bidirectional_layers2_state/model.onnx",
                "/goldens/onnx-export/layers1_batch_first/model.onnx",
                "/onnx-export-opsets/opset7_bidirectional_layers2_batch_first/model.onnx",
                "/onnx-node-tests/pr2923-test_lstm_with_peepholes/model.onnx");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void corruptedModelsFailCleanly(String resource) throws Exception {
        byte[] original = Files.readAllBytes(Path.of(OnnxFuzzTest.class.getResource(resource).toURI()));
        Random rnd = new Random(resource.hashCode());
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] bytes = mutate(original, rnd);
            try {
                OnnxLoader.read(bytes, "fuzz.onnx");
            } catch (LstmcException e) {
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                throw new AssertionError("mutation " + i + " of " + resource + " threw " + e, e);
            }
        }
    }

    private static byte[] mutate(byte[] original, Random rnd) {
        byte[] b = original.clone();
        switch (rnd.nextInt(4)) {
            case 0 -> {
                int flips = 1 + rnd.nextInt(4);
                for (int k = 0; k < flips; k++) {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 1 -> b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            case 2 -> b = java.util.Arrays.copyOf(b, 1 + rnd.nextInt(b.length - 1));
            default -> {
                int at = rnd.nextInt(b.length);
                int n = Math.min(b.length - at, 1 + rnd.nextInt(16));
                for (int k = 0; k < n; k++) {
                    b[at + k] = (byte) rnd.nextInt(256);
                }
            }
        }
        if (b.length == 0) {
            fail("empty mutation");
        }
        return b;
    }
}
