package io.github.lstmc.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.GeneratedFile;
import io.github.lstmc.compiler.LstmcException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncrementalGeneratorTest {
    private static final FileTime LONG_AGO = FileTime.fromMillis(1_000_000_000_000L);
    private static final IncrementalGenerator.Settings SOURCE =
            new IncrementalGenerator.Settings("com.example", Backend.SOURCE, 8);

    @TempDir
    Path dir;
    private Path models;
    private Path out;
    private Path state;
    private final FakeCompiler compiler = new FakeCompiler();

    /**
     * Generates a source file per model whose text carries the model bytes and the options, plus a
     * second "weights" file, so that a test sees exactly what was regenerated. A model whose bytes
     * start with "bad" fails the way the loaders fail: an LstmcException naming the file.
     */
    static final class FakeCompiler implements ModelCompiler {
        final List<String> compiled = new ArrayList<>();

        @Override
        public GeneratedCode compile(ModelSource model, CompileOptions options) throws LstmcException {
            compiled.add(model.relativePath());
            String bytes;
            try {
                bytes = Files.readString(model.file());
            } catch (IOException e) {
                throw new LstmcException(model.file() + ": unreadable");
            }
            if (bytes.startsWith("bad")) {
                throw new LstmcException(model.file().getFileName() + ": tensor 'weight_ih_l0' has shape [8, 3], expected [4*H, I]");
            }
            String dir = options.packageName().replace('.', '/') + "/";
            String ext = options.backend() == Backend.SOURCE ? ".java" : ".class";
            return new GeneratedCode(List.of(
                    new GeneratedFile(dir + options.className() + ext,
                            (options + " from " + bytes).getBytes(StandardCharsets.UTF_8)),
                    new GeneratedFile(dir + options.className() + "Weights" + ext,
                            bytes.getBytes(StandardCharsets.UTF_8))));
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        models = Files.createDirectories(dir.resolve("src/main/lstm"));
        out = dir.resolve("target/generated-sources/lstm");
        state = dir.resolve("target/lstmc-state/generate-default.state");
    }

    private ModelSource model(String file, String content) throws IOException {
        Path p = models.resolve(file);
        Files.createDirectories(p.getParent());
        if (content != null) {
            Files.writeString(p, content);
        }
        return new ModelSource(file, p, null, null, io.github.lstmc.compiler.JavaNames.classNameFor(file));
    }

    private IncrementalGenerator.Result run(List<ModelSource> sources) throws IOException {
        return run(sources, SOURCE, "1.0");
    }

    private IncrementalGenerator.Result run(List<ModelSource> sources, IncrementalGenerator.Settings settings,
                                            String version) throws IOException {
        return new IncrementalGenerator(compiler, version).run(sources, settings, out, state);
    }

    private Path generated(String name) {
        return out.resolve("com/example/" + name);
    }

    /** Sets every file under the output directory and the state file to an old time, to see what a run touches. */
    private void ageOutputs() throws IOException {
        try (var walk = Files.walk(dir.resolve("target"))) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(p, LONG_AGO);
            }
        }
    }

    @Test
    void firstRunGeneratesEveryModel() throws Exception {
        IncrementalGenerator.Result r = run(List.of(model("a.onnx", "A1"), model("speech_tagger.safetensors", "S1")));
        assertEquals(List.of("a.onnx", "speech_tagger.safetensors"), r.generated());
        assertEquals(List.of(), r.upToDate());
        assertEquals(4, r.written().size());
        assertTrue(Files.readString(generated("SpeechTagger.java")).endsWith("from S1"));
        assertEquals("A1", Files.readString(generated("AWeights.java")));
        assertTrue(Files.isRegularFile(state));
    }

    @Test
    void secondRunWithoutChangesCompilesNothingAndTouchesNoFile() throws Exception {
        List<ModelSource> sources = List.of(model("a.onnx", "A1"), model("b.onnx", "B1"));
        run(sources);
        ageOutputs();
        compiler.compiled.clear();

        IncrementalGenerator.Result r = run(sources);

        assertEquals(List.of(), compiler.compiled);
        assertEquals(List.of("a.onnx", "b.onnx"), r.upToDate());
        assertEquals(List.of(), r.written());
        for (String f : List.of("A.java", "AWeights.java", "B.java", "BWeights.java")) {
            assertEquals(LONG_AGO, Files.getLastModifiedTime(generated(f)), f);
        }
        assertEquals(LONG_AGO, Files.getLastModifiedTime(state));
    }

    @Test
    void newerTimestampWithSameBytesIsStillUpToDate() throws Exception {
        List<ModelSource> sources = List.of(model("a.onnx", "A1"));
        run(sources);
        Files.setLastModifiedTime(models.resolve("a.onnx"), FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        compiler.compiled.clear();
        run(sources);
        assertEquals(List.of(), compiler.compiled);
    }

    @Test
    void changedModelIsRegeneratedAlone() throws Exception {
        List<ModelSource> sources = List.of(model("a.onnx", "A1"), model("b.onnx", "B1"));
        run(sources);
        ageOutputs();
        compiler.compiled.clear();
        model("b.onnx", "B2");

        IncrementalGenerator.Result r = run(sources);

        assertEquals(List.of("b.onnx"), compiler.compiled);
        assertEquals(List.of("a.onnx"), r.upToDate());
        assertTrue(Files.readString(generated("B.java")).endsWith("from B2"));
        assertEquals(LONG_AGO, Files.getLastModifiedTime(generated("A.java")));
    }

    @Test
    void deletedModelLosesItsOutputsAndEmptyPackageDirectories() throws Exception {
        ModelSource a = model("a.onnx", "A1");
        run(List.of(a, model("b.onnx", "B1")));
        Files.delete(models.resolve("b.onnx"));

        IncrementalGenerator.Result r = run(List.of(a));
        assertEquals(List.of(generated("B.java"), generated("BWeights.java")), r.removed());
        assertFalse(Files.exists(generated("B.java")));
        assertTrue(Files.exists(generated("A.java")));

        r = run(List.of());
        assertEquals(2, r.removed().size());
        assertFalse(Files.exists(out.resolve("com")), "empty package directories are removed");
        assertTrue(Files.isDirectory(out), "the output root itself stays");
    }

    @Test
    void optionsAndCompilerVersionArePartOfTheDigest() throws Exception {
        List<ModelSource> sources = List.of(model("a.onnx", "A1"));
        run(sources, SOURCE, "1.0");
        compiler.compiled.clear();
        run(sources, SOURCE, "1.1");
        assertEquals(List.of("a.onnx"), compiler.compiled);
        run(sources, new IncrementalGenerator.Settings("com.example", Backend.SOURCE, 11), "1.1");
        assertEquals(List.of("a.onnx", "a.onnx"), compiler.compiled);
        run(sources, new IncrementalGenerator.Settings("com.example", Backend.SOURCE, 11), "1.1");
        assertEquals(2, compiler.compiled.size());
    }

    @Test
    void vectorApiIsPartOfTheDigest() throws Exception {
        // Same package, back end and release: only the tier differs, and toggling it must regenerate.
        List<ModelSource> sources = List.of(model("a.onnx", "A1"));
        IncrementalGenerator.Settings plain = new IncrementalGenerator.Settings("com.example", Backend.BYTECODE, 17, false);
        IncrementalGenerator.Settings vector = new IncrementalGenerator.Settings("com.example", Backend.BYTECODE, 17, true);
        run(sources, plain, "1");
        run(sources, vector, "1");
        assertEquals(List.of("a.onnx", "a.onnx"), compiler.compiled);
        assertTrue(Files.readString(generated("A.class")).contains("vectorApi=true"), "the compiler saw the tier");
        run(sources, vector, "1");
        assertEquals(2, compiler.compiled.size(), "unchanged settings regenerate nothing");
        run(sources, plain, "1");
        assertEquals(3, compiler.compiled.size());
        assertTrue(Files.readString(generated("A.class")).contains("vectorApi=false"));
    }

    @Test
    void vectorApiBelowRelease17IsAFailureNamingTheModel() throws Exception {
        IncrementalGenerator.Result r = run(List.of(model("a.onnx", "A1")),
                new IncrementalGenerator.Settings("com.example", Backend.SOURCE, 11, true), "1");
        assertEquals(List.of("a.onnx: the Vector API tier needs target release 17, got 11"), r.failures());
    }

    @Test
    void newPackageMovesTheOutputs() throws Exception {
        List<ModelSource> sources = List.of(model("a.onnx", "A1"));
        run(sources);
        run(sources, new IncrementalGenerator.Settings("org.other", Backend.SOURCE, 8), "1.0");
        assertTrue(Files.exists(out.resolve("org/other/A.java")));
        assertFalse(Files.exists(generated("A.java")));
    }

    @Test
    void renamedClassReplacesTheOldFiles() throws Exception {
        run(List.of(model("a.onnx", "A1")));
        ModelSource renamed = new ModelSource("a.onnx", models.resolve("a.onnx"), null, null, "Alpha");
        IncrementalGenerator.Result r = run(List.of(renamed));
        assertEquals(List.of("a.onnx"), r.generated());
        assertTrue(Files.exists(generated("Alpha.java")));
        assertFalse(Files.exists(generated("A.java")));
    }

    @Test
    void outputsTakenOverByAnotherModelAreKept() throws Exception {
        run(List.of(model("old.onnx", "X")));
        Files.delete(models.resolve("old.onnx"));
        // The model was renamed on disk but keeps its class name through an override.
        ModelSource moved = new ModelSource("new.onnx", model("new.onnx", "X").file(), null, null, "Old");
        IncrementalGenerator.Result r = run(List.of(moved));
        assertEquals(List.of(), r.removed());
        assertTrue(Files.exists(generated("Old.java")));
    }

    @Test
    void editedOrDeletedOutputIsRegenerated() throws Exception {
        List<ModelSource> sources = List.of(model("a.onnx", "A1"));
        run(sources);
        Files.writeString(generated("A.java"), "hand edit");
        compiler.compiled.clear();
        run(sources);
        assertEquals(List.of("a.onnx"), compiler.compiled);
        assertTrue(Files.readString(generated("A.java")).endsWith("from A1"));

        Files.delete(generated("AWeights.java"));
        run(sources);
        assertEquals(2, compiler.compiled.size());
        assertTrue(Files.exists(generated("AWeights.java")));
    }

    @Test
    void configAndPrefixArePartOfTheDigest() throws Exception {
        model("m.safetensors", "W");
        Path config = models.resolve("m.json");
        Files.writeString(config, "{\"d_hidden\": 4}");
        ModelSource m = new ModelSource("m.safetensors", models.resolve("m.safetensors"), config, null, "M");
        run(List.of(m));
        compiler.compiled.clear();
        Files.writeString(config, "{\"d_hidden\": 5}");
        run(List.of(m));
        assertEquals(1, compiler.compiled.size());
        run(List.of(new ModelSource("m.safetensors", m.file(), config, "encoder", "M")));
        assertEquals(2, compiler.compiled.size());
        run(List.of(new ModelSource("m.safetensors", m.file(), config, "encoder", "M",
                io.github.lstmc.runtime.Layout.BATCH_FIRST)));
        assertEquals(3, compiler.compiled.size());
    }

    @Test
    void failingModelIsReportedOthersStillGeneratedAndItIsRetried() throws Exception {
        List<ModelSource> sources = List.of(model("bad.onnx", "bad shapes"), model("good.onnx", "G"));
        IncrementalGenerator.Result r = run(sources);
        assertEquals(List.of("bad.onnx: tensor 'weight_ih_l0' has shape [8, 3], expected [4*H, I]"), r.failures());
        assertEquals(List.of("good.onnx"), r.generated());

        compiler.compiled.clear();
        r = run(sources);
        assertEquals(List.of("bad.onnx"), compiler.compiled, "a failed model is tried again, the good one is not");

        model("bad.onnx", "fixed");
        r = run(sources);
        assertEquals(List.of(), r.failures());
        assertTrue(Files.exists(generated("Bad.java")));
    }

    @Test
    void failureAfterSuccessKeepsTheLastGoodOutputsUntilFixed() throws Exception {
        List<ModelSource> sources = List.of(model("a.onnx", "A1"));
        run(sources);
        model("a.onnx", "bad now");
        IncrementalGenerator.Result r = run(sources);
        assertEquals(1, r.failures().size());
        assertTrue(Files.exists(generated("A.java")));
        assertEquals(List.of(), r.removed());
        // Deleting the broken model still cleans up its old outputs.
        r = run(List.of());
        assertEquals(2, r.removed().size());
    }

    @Test
    void invalidOptionIsAFailureNamingTheModel() throws Exception {
        List<ModelSource> sources = List.of(model("a.onnx", "A1"));
        IncrementalGenerator.Result r = run(sources, new IncrementalGenerator.Settings("com.example", Backend.BYTECODE, 9), "1");
        assertEquals(1, r.failures().size());
        assertTrue(r.failures().get(0).startsWith("a.onnx: target release must be 8, 11 or 17"), r.failures().get(0));
    }

    @Test
    void bytecodeBackEndWritesClassFiles() throws Exception {
        run(List.of(model("a.onnx", "A1")), new IncrementalGenerator.Settings("com.example", Backend.BYTECODE, 8), "1");
        assertTrue(Files.exists(generated("A.class")));
        assertTrue(Files.exists(generated("AWeights.class")));
    }
}
