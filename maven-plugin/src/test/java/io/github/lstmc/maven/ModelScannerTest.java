package io.github.lstmc.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.LstmcException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelScannerTest {
    @TempDir
    Path dir;

    private void touch(String... files) throws IOException {
        for (String f : files) {
            Path p = dir.resolve(f);
            Files.createDirectories(p.getParent());
            Files.writeString(p, f);
        }
    }

    private static List<String> paths(List<ModelSource> models) {
        return models.stream().map(ModelSource::relativePath).toList();
    }

    @Test
    void findsModelsOfEveryFormatSortedAndNamesTheirClasses() throws Exception {
        touch("speech_tagger.safetensors", "nlp/sentiment-v2.onnx", "notes.txt", "README.md");
        List<ModelSource> models = new ModelScanner(dir, null, null, null).scan();
        assertEquals(List.of("nlp/sentiment-v2.onnx", "speech_tagger.safetensors"), paths(models));
        assertEquals("SentimentV2", models.get(0).className());
        assertEquals("SpeechTagger", models.get(1).className());
        assertEquals(dir.resolve("speech_tagger.safetensors"), models.get(1).file());
        assertNull(models.get(1).config());
        assertNull(models.get(1).prefix());
    }

    @Test
    void missingDirectoryHasNoModels() throws Exception {
        assertEquals(List.of(), new ModelScanner(dir.resolve("absent"), null, null, null).scan());
    }

    @Test
    void includesAndExcludesFilter() throws Exception {
        touch("a.onnx", "b.safetensors", "old/c.onnx");
        List<ModelSource> models = new ModelScanner(dir, List.of("**/*.onnx"), List.of("old/"), null).scan();
        assertEquals(List.of("a.onnx"), paths(models));
    }

    @Test
    void burnConfigBesideItsWeightsMakesOneModel() throws Exception {
        touch("tagger.json", "tagger.safetensors", "standalone.json");
        List<ModelSource> models = new ModelScanner(dir, null, null, null).scan();
        assertEquals(List.of("standalone.json", "tagger.safetensors"), paths(models));
        assertEquals(dir.resolve("tagger.json"), models.get(1).config());
        assertEquals(List.of(dir.resolve("tagger.safetensors"), dir.resolve("tagger.json")), models.get(1).inputs());
        assertNull(models.get(0).config());
    }

    @Test
    void burnConfigPairsOnlyWithSafetensorsWeights() throws Exception {
        touch("m.json", "m.safetensors", "m.txt", "other.json", "other.bin");
        List<ModelSource> models = new ModelScanner(dir, List.of("**/*.json"), null, null).scan();
        assertEquals(List.of("m.safetensors", "other.json"), paths(models));
        assertEquals(dir.resolve("m.json"), models.get(0).config());
        assertNull(models.get(1).config());
    }

    @Test
    void overridesSetClassPrefixAndConfig() throws Exception {
        touch("speech_tagger.safetensors", "configs/lstm.json");
        ModelConfiguration o = new ModelConfiguration().with("speech_tagger.safetensors", "Tagger", "encoder.lstm",
                "configs/lstm.json");
        List<ModelSource> models = new ModelScanner(dir, null, null, List.of(o)).scan();
        // configs/lstm.json is the model's config, not a model of its own.
        assertEquals(List.of("speech_tagger.safetensors"), paths(models));
        ModelSource m = models.get(0);
        assertEquals("Tagger", m.className());
        assertEquals("encoder.lstm", m.prefix());
        assertEquals(dir.resolve("configs/lstm.json"), m.config());
    }

    @Test
    void layoutComesFromTheModelOrTheDefault() throws Exception {
        touch("a.onnx", "b.onnx");
        ModelConfiguration o = new ModelConfiguration().with("a.onnx", null, null, null);
        o.setLayout("sequence-first");
        List<ModelSource> models = new ModelScanner(dir, null, null, List.of(o), "batch_first").scan();
        assertEquals(io.github.lstmc.runtime.Layout.SEQUENCE_FIRST, models.get(0).layout());
        assertEquals(io.github.lstmc.runtime.Layout.BATCH_FIRST, models.get(1).layout());
        assertNull(new ModelScanner(dir, null, null, null).scan().get(0).layout());
        LstmcException e = assertThrows(LstmcException.class,
                () -> new ModelScanner(dir, null, null, null, "diagonal").scan());
        assertTrue(e.getMessage().contains("diagonal"), e.getMessage());
    }

    @Test
    void rnnNonlinearityComesFromTheModelConfiguration() throws Exception {
        touch("rnn.safetensors", "lstm.safetensors");
        ModelConfiguration o = new ModelConfiguration().with("rnn.safetensors", null, null, null);
        o.setRnnNonlinearity(" ReLU ");
        List<ModelSource> models = new ModelScanner(dir, null, null, List.of(o)).scan();
        assertEquals(List.of("lstm.safetensors", "rnn.safetensors"), paths(models));
        assertNull(models.get(0).rnnNonlinearity());
        assertEquals("relu", models.get(1).rnnNonlinearity());
        o.setRnnNonlinearity("sigmoid");
        LstmcException e = assertThrows(LstmcException.class, () -> new ModelScanner(dir, null, null, List.of(o)).scan());
        assertEquals("lstmc configuration: <rnnNonlinearity>sigmoid</rnnNonlinearity> of model rnn.safetensors must be"
                + " tanh or relu", e.getMessage());
    }

    @Test
    void cutTensorsComeFromTheModelConfiguration() throws Exception {
        touch("a.onnx", "b.onnx");
        ModelConfiguration o = new ModelConfiguration().with("a.onnx", null, null, null);
        o.setFrom(" conv_out ");
        o.setTo("logits");
        List<ModelSource> models = new ModelScanner(dir, null, null, List.of(o)).scan();
        assertEquals("conv_out", models.get(0).from());
        assertEquals("logits", models.get(0).to());
        assertNull(models.get(1).from());
        assertNull(models.get(1).to());
    }

    @Test
    void overrideIncludesAFileThePatternsLeaveOut() throws Exception {
        touch("weights.bin");
        ModelConfiguration o = new ModelConfiguration().with("weights.bin", null, null, null);
        assertEquals(List.of("weights.bin"), paths(new ModelScanner(dir, null, null, List.of(o)).scan()));
    }

    @Test
    void overrideOfAMissingFileNamesIt() {
        ModelConfiguration o = new ModelConfiguration().with("nope.onnx", null, null, null);
        LstmcException e = assertThrows(LstmcException.class, () -> new ModelScanner(dir, null, null, List.of(o)).scan());
        assertTrue(e.getMessage().contains("<file>nope.onnx</file>"), e.getMessage());
    }

    @Test
    void invalidClassNameIsRejected() throws Exception {
        touch("a.onnx");
        ModelConfiguration o = new ModelConfiguration().with("a.onnx", "class", null, null);
        LstmcException e = assertThrows(LstmcException.class, () -> new ModelScanner(dir, null, null, List.of(o)).scan());
        assertTrue(e.getMessage().contains("<className>class</className>"), e.getMessage());
    }

    @Test
    void twoModelsWithOneClassNameAreRejectedNamingBoth() throws Exception {
        touch("tagger.onnx", "tagger.safetensors");
        LstmcException e = assertThrows(LstmcException.class, () -> new ModelScanner(dir, null, null, null).scan());
        assertTrue(e.getMessage().contains("tagger.onnx") && e.getMessage().contains("tagger.safetensors")
                && e.getMessage().contains("Tagger"), e.getMessage());
    }

    @Test
    void classNamesThatDifferOnlyInCaseCollideToo() throws Exception {
        touch("ab.onnx", "a_b.onnx");
        ModelConfiguration o = new ModelConfiguration().with("a_b.onnx", "AB", null, null);
        ModelConfiguration p = new ModelConfiguration().with("ab.onnx", "Ab", null, null);
        assertThrows(LstmcException.class, () -> new ModelScanner(dir, null, null, List.of(o, p)).scan());
    }
}
