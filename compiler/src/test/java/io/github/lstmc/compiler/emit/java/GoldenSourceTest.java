package io.github.lstmc.compiler.emit.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Embedding;
import io.github.lstmc.compiler.model.HeadLayer;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.model.TimeReduction;
import io.github.lstmc.runtime.Layout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The generated source of one tiny model, checked in at
 * {@code src/test/resources/golden/TinyTagger.java.txt}. After an intended change to the emitter,
 * regenerate it with {@code mvn -pl compiler -am test -Dtest=GoldenSourceTest -Dlstmc.updateGoldens=true
 * -Dsurefire.failIfNoSpecifiedTests=false} and review the diff.
 */
class GoldenSourceTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden/TinyTagger.java.txt");
    private static final Path GOLDEN_CLASSIFIER = Path.of("src/test/resources/golden/TinyClassifier.java.txt");
    private static final Path GOLDEN_GRU = Path.of("src/test/resources/golden/TinyGru.java.txt");

    /** I = 2, H = 2, peepholes, both clips, weights with exact 0, 1 and -1; a hostile name. */
    static Model tinyModel() {
        Matrix w = Matrix.of(8, 2, new float[] {0.5f, -0.25f, 1f, 0f, -1f, 0.125f, 0.75f, 0.375f,
                0f, 0f, 0.0625f, -0.5f, 0.25f, 1f, -0.75f, 0.5f});
        Matrix r = Matrix.of(8, 2, new float[] {0.1f, 0.2f, -0.3f, 0.4f, 0.5f, -0.6f, 0.7f, 0.8f,
                -0.9f, 1f, 0f, 0.3f, -0.2f, 0.1f, 0.05f, -1f});
        Matrix bw = Matrix.vector(new float[] {0.1f, 0f, -0.1f, 0.2f, 0f, 0f, 0.3f, -0.3f});
        Matrix br = Matrix.vector(new float[] {0.1f, 0.5f, 0f, 0f, 0f, 0.25f, 0f, 0.3f});
        Matrix p = Matrix.of(3, 2, new float[] {0.1f, -0.1f, 0f, 0f, 0.2f, 0.3f});
        DirectionCell cell = new DirectionCell(Direction.FORWARD, w, r, bw, br, p, null, CellActivations.DEFAULT);
        return new Model("tiny */ tagger\u0000 \\u002a/", List.of(new Layer(List.of(cell), 3f, 2.5f, false)),
                Layout.BATCH_FIRST);
    }

    @Test
    void tinyModelMatchesTheGoldenFile() throws IOException {
        String source = render(tinyModel());
        if (Boolean.getBoolean("lstmc.updateGoldens")) {
            Files.createDirectories(GOLDEN.getParent());
            Files.writeString(GOLDEN, source, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(GOLDEN, StandardCharsets.UTF_8), source,
                "generated source changed; see the class Javadoc to regenerate the golden file");
    }

    /**
     * A whole network: token ids into an embedding (vocabulary 4, dimension 2), the tiny LSTM, its final
     * hidden state, Dense(2 -> 3), ReLU, PReLU, Dense(3 -> 2) without bias, Softmax.
     */
    static Model tinyClassifier() {
        Model stack = tinyModel();
        return stack.withStages(new Embedding(Matrix.of(4, 2, new float[] {0f, 0f, 1f, -1f, 0.5f, 0.25f, -2f, 1.5f})),
                null, TimeReduction.FINAL_STATE, List.of(
                        new HeadLayer.Dense(Matrix.of(3, 2, new float[] {1f, 0.5f, -0.25f, 2f, 0f, -1f}),
                                Matrix.vector(new float[] {0.1f, 0f, -0.2f})),
                        new HeadLayer.Elementwise(3, Activation.of(Activation.Kind.RELU)),
                        new HeadLayer.PRelu(Matrix.vector(new float[] {0.25f, 0.25f, 0.5f})),
                        new HeadLayer.Dense(Matrix.of(2, 3, new float[] {0.5f, -0.5f, 1f, 0.75f, 0.25f, -1f}), null),
                        new HeadLayer.Softmax(2, false)),
                true, false).withName("tiny classifier");
    }

    @Test
    void tinyClassifierMatchesTheGoldenFile() throws IOException {
        String source = new String(Lstmc.compiler().generate(tinyClassifier(),
                CompileOptions.of("lstmc.golden", "TinyClassifier")).files().get(0).content(), StandardCharsets.UTF_8);
        if (Boolean.getBoolean("lstmc.updateGoldens")) {
            Files.createDirectories(GOLDEN_CLASSIFIER.getParent());
            Files.writeString(GOLDEN_CLASSIFIER, source, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(GOLDEN_CLASSIFIER, StandardCharsets.UTF_8), source,
                "generated source changed; see the class Javadoc to regenerate the golden files");
    }

    /**
     * A GRU with the reset after the linear map (PyTorch's) and a pre-activation clip, a GRU with the
     * reset before it (ONNX's default), then a ReLU RNN; I = H = 2, weights with exact 0, 1 and -1.
     */
    static Model tinyGru() {
        float[] w = {0.5f, -0.25f, 1f, 0f, -1f, 0.125f, 0.75f, 0.375f, 0f, 0.25f, 0.0625f, -0.5f};
        float[] r = {0.1f, 0.2f, -0.3f, 0.4f, 0.5f, -0.6f, 0.7f, 0.8f, -0.9f, 1f, 0f, 0.3f};
        Matrix bw = Matrix.vector(new float[] {0.1f, 0f, -0.1f, 0.2f, 0.3f, -0.3f});
        Matrix br = Matrix.vector(new float[] {0.1f, 0.5f, 0f, 0f, 0.25f, -0.5f});
        DirectionCell after = DirectionCell.gru(Direction.FORWARD, Matrix.of(6, 2, w), Matrix.of(6, 2, r), bw, br,
                CellActivations.GRU_DEFAULT, true);
        DirectionCell before = DirectionCell.gru(Direction.FORWARD, Matrix.of(6, 2, r), Matrix.of(6, 2, w), br, bw,
                CellActivations.GRU_DEFAULT, false);
        DirectionCell rnn = DirectionCell.rnn(Direction.FORWARD, Matrix.of(2, 2, new float[] {1f, -0.5f, 0.25f, 0f}),
                Matrix.of(2, 2, new float[] {0.5f, 0.125f, -1f, 0.75f}), Matrix.vector(new float[] {0.1f, -0.2f}),
                null, Activation.of(Activation.Kind.RELU));
        return new Model("tiny gru", List.of(new Layer(List.of(after), Layer.NO_CLIP, 2.5f, false),
                Layer.of(before), Layer.of(rnn)), Layout.SEQUENCE_FIRST);
    }

    @Test
    void tinyGruMatchesTheGoldenFile() throws IOException {
        String source = new String(Lstmc.compiler().generate(tinyGru(),
                CompileOptions.of("lstmc.golden", "TinyGru")).files().get(0).content(), StandardCharsets.UTF_8);
        if (Boolean.getBoolean("lstmc.updateGoldens")) {
            Files.createDirectories(GOLDEN_GRU.getParent());
            Files.writeString(GOLDEN_GRU, source, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(GOLDEN_GRU, StandardCharsets.UTF_8), source,
                "generated source changed; see the class Javadoc to regenerate the golden files");
    }

    @Test
    void userTextCannotEscapeTheComment() {
        String source = render(tinyModel());
        String header = source.substring(0, source.indexOf("public final class"));
        assertFalse(header.contains("tiny */"), header);
        assertFalse(header.contains("\\u002a"), header);
        assertFalse(header.contains("\u0000"), header);
    }

    @Test
    void generationIsDeterministic() {
        Model a = TestModels.model(new Random(5), TestModels.randomShape(new Random(6), 8));
        Model b = TestModels.model(new Random(5), TestModels.randomShape(new Random(6), 8));
        CompileOptions options = CompileOptions.of("det", "Net");
        GeneratedCode first = Lstmc.compiler().generate(a, options);
        GeneratedCode second = Lstmc.compiler().generate(a, options);
        GeneratedCode rebuilt = Lstmc.compiler().generate(b, options);
        assertEquals(1, first.files().size());
        assertEquals("det/Net.java", first.files().get(0).relativePath());
        assertArrayEquals(first.files().get(0).content(), second.files().get(0).content());
        assertArrayEquals(first.files().get(0).content(), rebuilt.files().get(0).content());
    }

    private static String render(Model model) {
        return new String(Lstmc.compiler().generate(model, CompileOptions.of("lstmc.golden", "TinyTagger"))
                .files().get(0).content(), StandardCharsets.UTF_8);
    }
}
