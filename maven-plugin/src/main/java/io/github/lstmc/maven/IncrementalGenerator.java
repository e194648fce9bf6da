package io.github.lstmc.maven;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.WeightStorage;
import io.github.lstmc.compiler.plan.EmbeddingFolding;
import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.GeneratedFile;
import io.github.lstmc.compiler.LstmcException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Brings an output directory up to date with a set of models, regenerating only what changed.
 *
 * <p>A model is up to date when the SHA-256 of its input files' bytes, its compile options and
 * the compiler version equals the one recorded when its outputs were written, and those outputs
 * are still there with the content written then. Timestamps play no part, so a fresh checkout,
 * a touched file or a clock skew regenerates nothing, while an edited model always does. Outputs
 * of models that disappeared (or whose class was renamed) are deleted. Files whose bytes would not
 * change are never rewritten, so the Java compiler sees nothing to recompile.
 *
 * <p>Free of Maven types so that it can be tested with a fake {@link ModelCompiler}.
 */
final class IncrementalGenerator {

    /**
     * What every model in a run shares.
     *
     * @param packageName   the package of the generated classes
     * @param backend       source or bytecode
     * @param targetRelease class file level for bytecode
     * @param vectorApi     the opt-in Vector API tier (needs {@code targetRelease} 17)
     * @param weights       how the weight matrices are stored (fp32, fp16, int8)
     * @param folding       whether a token network's embedding is folded into its first layer (auto, on, off)
     */
    record Settings(String packageName, Backend backend, int targetRelease, boolean vectorApi,
                    WeightStorage weights, EmbeddingFolding folding) {

        /** With embedding folding AUTO. */
        Settings(String packageName, Backend backend, int targetRelease, boolean vectorApi, WeightStorage weights) {
            this(packageName, backend, targetRelease, vectorApi, weights, EmbeddingFolding.AUTO);
        }

        /** With fp32 weights. */
        Settings(String packageName, Backend backend, int targetRelease, boolean vectorApi) {
            this(packageName, backend, targetRelease, vectorApi, WeightStorage.FP32);
        }

        /** Without the Vector API tier. */
        Settings(String packageName, Backend backend, int targetRelease) {
            this(packageName, backend, targetRelease, false);
        }

        /** The options for one model; IllegalArgumentException naming the option when invalid. */
        CompileOptions optionsFor(ModelSource model) {
            return new CompileOptions(packageName, model.className(), backend, targetRelease, vectorApi, weights,
                    folding);
        }
    }

    /**
     * The outcome of a run.
     *
     * @param generated  models compiled in this run (relative paths)
     * @param upToDate   models left as they were
     * @param written    files written (new or changed content)
     * @param removed    files deleted because their model is gone or no longer produces them
     * @param failures   one-line messages of models that could not be compiled
     */
    record Result(List<String> generated, List<String> upToDate, List<Path> written, List<Path> removed,
                  List<String> failures) {
    }

    private final ModelCompiler compiler;
    private final String compilerVersion;

    /**
     * @param compiler        loads and generates one model
     * @param compilerVersion part of every digest, so a new compiler regenerates everything
     */
    IncrementalGenerator(ModelCompiler compiler, String compilerVersion) {
        this.compiler = compiler;
        this.compilerVersion = compilerVersion;
    }

    /**
     * Generates the stale models of {@code models} into {@code outputDirectory}, deletes the outputs
     * of vanished models and records the new state in {@code stateFile}. A model that fails to
     * compile is reported in {@link Result#failures()} and the others are still processed.
     */
    Result run(List<ModelSource> models, Settings settings, Path outputDirectory, Path stateFile)
            throws IOException {
        Path root = outputDirectory.toAbsolutePath().normalize();
        GenerationState previous = GenerationState.read(stateFile, root);
        Map<String, GenerationState.Entry> next = new TreeMap<>();
        List<String> generated = new ArrayList<>();
        List<String> upToDate = new ArrayList<>();
        List<Path> written = new ArrayList<>();
        List<String> failures = new ArrayList<>();

        for (ModelSource model : models) {
            GenerationState.Entry before = previous.models().get(model.relativePath());
            CompileOptions options;
            try {
                options = settings.optionsFor(model);
            } catch (IllegalArgumentException e) {
                failures.add(model.relativePath() + ": " + e.getMessage());
                keepOutputsOf(before, model, next);
                continue;
            }
            String digest = digest(model, options);
            if (before != null && before.digest().equals(digest) && outputsIntact(root, before)) {
                next.put(model.relativePath(), before);
                upToDate.add(model.relativePath());
                continue;
            }
            GeneratedCode code;
            try {
                code = compiler.compile(model, options);
            } catch (LstmcException e) {
                failures.add(e.getMessage());
                keepOutputsOf(before, model, next);
                continue;
            }
            written.addAll(code.writeTo(root));
            Map<String, String> outputs = new TreeMap<>();
            for (GeneratedFile file : code.files()) {
                outputs.put(file.relativePath(), sha256(file.content()));
            }
            next.put(model.relativePath(), new GenerationState.Entry(digest, outputs));
            generated.add(model.relativePath());
        }

        // Delete what the previous run wrote and no current model claims: outputs of deleted
        // models, and files a regenerated model no longer produces (e.g. after a class rename).
        Set<String> claimed = new HashSet<>();
        next.values().forEach(e -> claimed.addAll(e.outputs().keySet()));
        List<Path> removed = new ArrayList<>();
        for (GenerationState.Entry entry : previous.models().values()) {
            for (String output : entry.outputs().keySet()) {
                if (!claimed.contains(output)) {
                    Path file = root.resolve(output).normalize();
                    if (file.startsWith(root) && Files.deleteIfExists(file)) {
                        removed.add(file);
                        deleteEmptyParents(file.getParent(), root);
                    }
                }
            }
        }
        new GenerationState(root, next).write(stateFile);
        return new Result(List.copyOf(generated), List.copyOf(upToDate), List.copyOf(written),
                List.copyOf(removed), List.copyOf(failures));
    }

    /** A failed model keeps its previous outputs (the build fails anyway) but is retried next time. */
    private static void keepOutputsOf(GenerationState.Entry before, ModelSource model,
                                      Map<String, GenerationState.Entry> next) {
        if (before != null) {
            next.put(model.relativePath(), new GenerationState.Entry("", before.outputs()));
        }
    }

    private static boolean outputsIntact(Path root, GenerationState.Entry entry) throws IOException {
        for (Map.Entry<String, String> output : entry.outputs().entrySet()) {
            Path file = root.resolve(output.getKey());
            if (!Files.isRegularFile(file) || !sha256(file).equals(output.getValue())) {
                return false;
            }
        }
        return !entry.outputs().isEmpty();
    }

    /** SHA-256 over the compiler version, the options and each input file's bytes. */
    String digest(ModelSource model, CompileOptions options) throws IOException {
        MessageDigest md = sha256();
        StringBuilder header = new StringBuilder()
                .append("lstmc ").append(compilerVersion).append('\n')
                .append("package ").append(options.packageName()).append('\n')
                .append("class ").append(options.className()).append('\n')
                .append("backend ").append(options.backend()).append('\n')
                .append("release ").append(options.targetRelease()).append('\n')
                .append("vector ").append(options.vectorApi()).append('\n')
                .append("prefix ").append(model.prefix() == null ? "-" : model.prefix()).append('\n')
                .append("layout ").append(model.layout() == null ? "-" : model.layout()).append('\n');
        if (options.weights() != WeightStorage.FP32) {
            // only when not the default, so that digests recorded before the option existed still match
            header.append("weights ").append(options.weights().label()).append('\n');
        }
        if (options.folding() != EmbeddingFolding.AUTO) {
            // likewise only when not the default
            header.append("fold-embedding ").append(options.folding()).append('\n');
        }
        if (model.from() != null || model.to() != null) {
            // Only cut models add these lines, so that the digests of existing models stay the same.
            header.append("from ").append(model.from() == null ? "-" : model.from()).append('\n')
                    .append("to ").append(model.to() == null ? "-" : model.to()).append('\n');
        }
        md.update(header.toString().getBytes(StandardCharsets.UTF_8));
        for (Path input : model.inputs()) {
            // Length-prefixed, so that moving bytes between the model and its config changes the digest.
            md.update(("input " + Files.size(input) + '\n').getBytes(StandardCharsets.UTF_8));
            try (InputStream in = Files.newInputStream(input)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    md.update(buffer, 0, n);
                }
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void deleteEmptyParents(Path dir, Path root) throws IOException {
        for (Path d = dir; d != null && d.startsWith(root) && !d.equals(root); d = d.getParent()) {
            try {
                Files.deleteIfExists(d);
            } catch (DirectoryNotEmptyException e) {
                return;
            }
        }
    }

    private static String sha256(Path file) throws IOException {
        return sha256(Files.readAllBytes(file));
    }

    private static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
