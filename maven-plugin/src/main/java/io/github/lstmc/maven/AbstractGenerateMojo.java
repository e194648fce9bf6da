package io.github.lstmc.maven;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.WeightStorage;
import io.github.lstmc.compiler.plan.EmbeddingFolding;
import io.github.lstmc.compiler.JavaNames;
import io.github.lstmc.compiler.LstmcException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * What {@code generate} and {@code generate-test} share: the options, the scan, the incremental
 * run and the mapping of its outcome to Maven's two kinds of failure.
 */
abstract class AbstractGenerateMojo extends AbstractMojo {

    /** Java package of the generated classes, e.g. {@code com.example.models}. */
    @Parameter(property = "lstm.packageName", required = true)
    protected String packageName;

    /**
     * {@code source}: write {@code .java} files that the project's compiler compiles;
     * {@code bytecode}: write {@code .class} files straight into the classes directory.
     */
    @Parameter(property = "lstm.backend", defaultValue = "source")
    protected String backend;

    /**
     * Class file level of bytecode output: 8, 11 or 17. Default 8, or 17 with {@link #vectorApi}.
     * Generated source is Java 8 compatible unless {@code vectorApi} is on. No {@code defaultValue}
     * here: the default depends on {@code vectorApi}, so an unset value must be told from an explicit 8.
     */
    @Parameter(property = "lstm.targetRelease")
    protected Integer targetRelease;

    /**
     * Opt-in second tier: looped matrix-vector products use the JDK Vector API
     * ({@code jdk.incubator.vector}). The generated classes then need JDK 17 or later and
     * {@code --add-modules jdk.incubator.vector} both to compile (source back end) and to run.
     * Implies {@code targetRelease} 17; an explicit lower {@code targetRelease} is an error.
     */
    @Parameter(property = "lstm.vectorApi", defaultValue = "false")
    protected boolean vectorApi;

    /**
     * How the generated classes store their weight matrices: {@code fp32} (default), {@code fp16}
     * (IEEE half floats, about half the class size) or {@code int8} (symmetric, one fp32 scale per
     * output row, under a third). Computation stays fp32; see the README's "Weight storage".
     */
    @Parameter(property = "lstm.weights", defaultValue = "fp32")
    protected String weights;

    /**
     * Whether a token network's embedding is folded into its first layer's input product: {@code auto}
     * (default: by size), {@code on} or {@code off}; see the README's "Whole models".
     */
    @Parameter(property = "lstm.foldEmbedding", defaultValue = "auto")
    protected String foldEmbedding;

    /**
     * Layout of the generated classes' flat forward buffers: {@code batch_first} or
     * {@code sequence_first}. Default: each format's own (PyTorch: sequence first; Burn: its config;
     * ONNX: the node's). {@code forward(float[][][])} is batch-first whatever this says.
     */
    @Parameter(property = "lstm.layout")
    protected String layout;

    /** Ant patterns of model files, relative to the source directory. Default: safetensors, onnx and json files. */
    @Parameter
    protected List<String> includes;

    /** Ant patterns of files under the source directory that are not models. */
    @Parameter
    protected List<String> excludes;

    /** Per-model settings: class name, tensor prefix, Burn config. */
    @Parameter
    protected List<ModelConfiguration> models;

    /** Skips generation entirely. */
    @Parameter(property = "lstm.skip", defaultValue = "false")
    protected boolean skip;

    /** Where each execution records what it generated, to regenerate only what changed. */
    @Parameter(defaultValue = "${project.build.directory}/lstmc-state", readonly = true, required = true)
    protected File stateDirectory;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    protected MavenProject project;

    @Parameter(defaultValue = "${mojoExecution}", readonly = true, required = true)
    protected MojoExecution mojoExecution;

    /** Where the models are. */
    protected abstract File sourceDirectory();

    /** Where generated {@code .java} files go. */
    protected abstract File outputDirectory();

    /** Where generated {@code .class} files go with the bytecode back end. */
    protected abstract File classesDirectory();

    /** Registers the generated sources with the project (main or test). */
    protected abstract void addSourceRoot(String directory);

    /** True when this goal should do nothing. */
    protected boolean skipped() {
        return skip;
    }

    /** The compiler; tests of the mojo may replace it. */
    ModelCompiler modelCompiler() {
        return new FacadeModelCompiler(warning -> getLog().warn("lstmc: " + warning));
    }

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skipped()) {
            getLog().info("lstmc: skipped");
            return;
        }
        Backend chosen = parseBackend();
        int release = effectiveTargetRelease(targetRelease, vectorApi);
        if (!JavaNames.isPackageName(packageName)) {
            throw new MojoFailureException("lstmc configuration: <packageName>" + packageName
                    + "</packageName> is not a valid Java package name");
        }
        Path sources = sourceDirectory().toPath().toAbsolutePath().normalize();
        Path output = (chosen == Backend.BYTECODE ? classesDirectory() : outputDirectory()).toPath();
        Path stateFile = stateDirectory.toPath().resolve(stateFileName(chosen));

        List<ModelSource> found;
        try {
            found = new ModelScanner(sources, includes, excludes, models, layout).scan();
        } catch (LstmcException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException("lstmc: cannot read " + sources + ": " + e, e);
        }
        if (found.isEmpty()) {
            getLog().info("lstmc: no models in " + project.getBasedir().toPath().relativize(sources));
        }

        IncrementalGenerator.Result result;
        try {
            result = new IncrementalGenerator(modelCompiler(), CompilerBuild.id())
                    .run(found, new IncrementalGenerator.Settings(packageName, chosen, release, vectorApi,
                            parseWeights(), parseFolding()), output, stateFile);
        } catch (IOException e) {
            throw new MojoExecutionException("lstmc: cannot write generated code to " + output + ": " + e, e);
        }
        // Registered whether or not anything was generated: an up-to-date build still compiles these sources.
        if (chosen == Backend.SOURCE && Files.isDirectory(output)) {
            addSourceRoot(output.toString());
        }
        report(result, found.size(), output);
        if (!result.failures().isEmpty()) {
            throw new MojoFailureException(String.join(System.lineSeparator(), result.failures()));
        }
    }

    private void report(IncrementalGenerator.Result result, int modelCount, Path output) {
        for (String model : result.generated()) {
            getLog().info("lstmc: generated " + model);
        }
        for (Path removed : result.removed()) {
            getLog().info("lstmc: removed " + removed.getFileName() + " (its model is gone)");
        }
        if (modelCount > 0 || !result.removed().isEmpty()) {
            String failed = result.failures().isEmpty() ? "" : ", " + result.failures().size() + " failed";
            getLog().info(String.format(Locale.ROOT, "lstmc: %d model(s): %d generated, %d up to date%s, %d file(s) removed -> %s",
                    modelCount, result.generated().size(), result.upToDate().size(), failed, result.removed().size(),
                    output));
        }
    }

    /**
     * The class file level to generate for: the configured one, else 8, or 17 when the Vector API
     * tier is on (the only level it supports).
     *
     * @param configured the {@code targetRelease} parameter, null when not configured
     * @throws MojoFailureException when {@code vectorApi} is on with an explicit level below 17
     */
    static int effectiveTargetRelease(Integer configured, boolean vectorApi) throws MojoFailureException {
        if (configured == null) {
            return vectorApi ? 17 : 8;
        }
        if (vectorApi && configured < 17) {
            throw new MojoFailureException("lstmc configuration: <vectorApi>true</vectorApi> needs <targetRelease>17"
                    + "</targetRelease> (the Vector API exists from JDK 17), got <targetRelease>" + configured
                    + "</targetRelease>; remove <targetRelease> or set it to 17");
        }
        return configured;
    }

    private EmbeddingFolding parseFolding() throws MojoFailureException {
        for (EmbeddingFolding f : EmbeddingFolding.values()) {
            if (f.name().equalsIgnoreCase(foldEmbedding == null ? "auto" : foldEmbedding)) {
                return f;
            }
        }
        throw new MojoFailureException("lstmc configuration: <foldEmbedding>" + foldEmbedding
                + "</foldEmbedding> must be 'auto', 'on' or 'off'");
    }

    private WeightStorage parseWeights() throws MojoFailureException {
        try {
            return WeightStorage.parse(weights == null ? "fp32" : weights);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("lstmc configuration: <weights>" + weights
                    + "</weights> must be 'fp32', 'fp16' or 'int8'");
        }
    }

    private Backend parseBackend() throws MojoFailureException {
        String value = backend == null ? "source" : backend.trim().toUpperCase(Locale.ROOT);
        try {
            return Backend.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("lstmc configuration: <backend>" + backend
                    + "</backend> must be 'source' or 'bytecode'");
        }
    }

    /** One state file per execution and back end, so that executions and back-end switches never share records. */
    private String stateFileName(Backend chosen) {
        String id = mojoExecution == null ? "default" : mojoExecution.getGoal() + "-" + mojoExecution.getExecutionId();
        return id.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + chosen.name().toLowerCase(Locale.ROOT) + ".state";
    }
}
