package io.github.lstmc.compiler;

import io.github.lstmc.compiler.emit.ClassFileStats;
import io.github.lstmc.compiler.emit.ModelClassLoader;
import io.github.lstmc.compiler.emit.bytecode.BytecodeEmitter;
import io.github.lstmc.compiler.interpret.Interpreter;
import io.github.lstmc.compiler.emit.java.InMemoryJavaCompiler;
import io.github.lstmc.compiler.emit.java.JavaSourceEmitter;
import io.github.lstmc.compiler.load.LoadOptions;
import io.github.lstmc.compiler.load.LoadResult;
import io.github.lstmc.compiler.load.ModelLoader;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.plan.DirectionPlan;
import io.github.lstmc.compiler.plan.MatVec;
import io.github.lstmc.compiler.plan.Plan;
import io.github.lstmc.compiler.plan.EmbeddingFolding;
import io.github.lstmc.compiler.plan.PlanOptions;
import io.github.lstmc.compiler.plan.Planner;
import io.github.lstmc.compiler.plan.Quantizer;
import io.github.lstmc.compiler.plan.UnrolledMatVec;
import io.github.lstmc.compiler.plan.VectorMatVec;
import io.github.lstmc.runtime.LstmNetwork;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The public entry point: load a model, plan it, generate Java source or bytecode, or get a
 * ready-to-run network in process.
 *
 * <pre>{@code
 * Model model = Lstmc.compiler().load(Path.of("tagger.safetensors"));
 * }</pre>
 */
public final class Lstmc {
    /** The compiler version written into generated code: {@link Version#CURRENT}. */
    public static final String VERSION = Version.CURRENT;

    private static final Lstmc INSTANCE = new Lstmc();
    /** Whether this JVM resolved the incubating Vector API module (the Vector API tier needs it to load classes). */
    private static final boolean VECTOR_API_PRESENT = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private Lstmc() {
    }

    /** The compiler. Stateless and thread-safe. */
    public static Lstmc compiler() {
        return INSTANCE;
    }

    /** Reads a model file (format chosen by its extension), validated. */
    public Model load(Path file) throws LstmcException {
        return load(file, LoadOptions.DEFAULT);
    }

    /** Reads a model file with a Burn config or a tensor prefix. */
    public Model load(Path file, LoadOptions options) throws LstmcException {
        return ModelLoader.load(file, options);
    }

    /**
     * {@link #load(Path, LoadOptions)}, with what the loader noticed but did not refuse: one-line
     * warnings to show the user (e.g. the tensors of a PyTorch state dict outside the compiled
     * LSTM, which a head such as {@code fc.weight} would be) and the names of the file's tensors
     * the model does not use.
     */
    public LoadResult loadResult(Path file, LoadOptions options) throws LstmcException {
        return ModelLoader.loadResult(file, options);
    }

    /**
     * The reference interpreter for {@code model}: runs the IR directly (float32 state, double
     * accumulation), slowly but obviously right. The oracle generated code is tested against;
     * also handy to try a model without generating anything.
     */
    public LstmNetwork interpreter(Model model) {
        return new Interpreter(model);
    }

    /**
     * {@code model} with its weight matrices rounded to {@code storage} and dequantized: the values a
     * class generated with that storage computes with. Run the interpreter on it to get exactly the
     * generated class's outputs; {@link #generate} and {@link #instantiate} apply it themselves.
     *
     * @throws IllegalArgumentException for fp16 when a weight exceeds fp16's range
     */
    public Model withWeights(Model model, WeightStorage storage) {
        return Quantizer.quantize(model, storage);
    }

    /** Lowers a model to the plan both back ends render (default {@link PlanOptions}). */
    public Plan plan(Model model) {
        return plan(model, PlanOptions.DEFAULT);
    }

    /** Lowers a model to the plan both back ends render, with explicit unroll and method-size knobs. */
    public Plan plan(Model model, PlanOptions planOptions) {
        return Planner.plan(model, planOptions);
    }

    /**
     * The Java source of {@code model}: the single {@code .java} file of {@link #generate} with the
     * source back end, whatever back end {@code options} names.
     */
    public GeneratedFile generateSource(Model model, CompileOptions options) {
        return generate(model, options.withBackend(Backend.SOURCE)).files().get(0);
    }

    /**
     * Generates the code of {@code model}: for {@link Backend#SOURCE} one {@code .java} file
     * ({@code <package path>/<ClassName>.java}), for {@link Backend#BYTECODE} one {@code .class} file
     * ({@code <package path>/<ClassName>.class}, class-file level {@link CompileOptions#targetRelease()});
     * either needs only the lstmc runtime.
     */
    public GeneratedCode generate(Model model, CompileOptions options) {
        return generate(model, options, PlanOptions.DEFAULT);
    }

    /** {@link #generate(Model, CompileOptions)} with explicit {@link PlanOptions}. */
    public GeneratedCode generate(Model model, CompileOptions options, PlanOptions planOptions) {
        Plan plan = plan(options, model, planOptions);
        return switch (options.backend()) {
            case SOURCE -> new GeneratedCode(java.util.List.of(JavaSourceEmitter.emit(plan, options)));
            case BYTECODE -> BytecodeEmitter.emit(plan, options);
        };
    }

    /**
     * Compiles {@code model} and loads it in process (a fresh class loader per call, whose parent is
     * the runtime's loader): the network the generated class implements, ready to run. Once the
     * network is unreachable, its class and loader are collected too. The bytecode back end needs no
     * Java compiler and takes milliseconds for small models.
     *
     * @throws IllegalStateException if no Java compiler is available (source back end on a JRE)
     */
    public LstmNetwork instantiate(Model model, CompileOptions options) {
        return instantiate(model, options, PlanOptions.DEFAULT);
    }

    /** {@link #instantiate(Model, CompileOptions)} with explicit {@link PlanOptions}. */
    public LstmNetwork instantiate(Model model, CompileOptions options, PlanOptions planOptions) {
        if (options.vectorApi() && !VECTOR_API_PRESENT) {
            throw new IllegalStateException("the Vector API tier needs the JVM option --add-modules jdk.incubator.vector"
                    + " to load the generated class");
        }
        Plan plan = plan(options, model, planOptions);
        return switch (options.backend()) {
            case SOURCE -> newInstance(compileSource(plan, options), options.qualifiedName());
            case BYTECODE -> new ModelClassLoader(BytecodeEmitter.emit(plan, options))
                    .newNetwork(options.qualifiedName());
        };
    }

    /** The plan of {@code model} quantized to the options' storage, with the options' tier and storage. */
    private Plan plan(CompileOptions options, Model model, PlanOptions planOptions) {
        PlanOptions chosen = planOptions.withVectorApi(options.vectorApi()).withWeights(options.weights());
        return plan(withWeights(model, options.weights()), options.folding() == EmbeddingFolding.AUTO ? chosen
                : chosen.withFolding(options.folding()));
    }

    /**
     * Loads a model file and compiles it to bytecode in process: {@link #load(Path)}, then
     * {@link #instantiate} with the bytecode back end, class {@code lstmc.generated.<Name>} named after
     * the file (e.g. {@code speech_tagger.safetensors} gives {@code SpeechTagger}).
     *
     * @throws LstmcException if the file cannot be read or holds no valid model
     */
    public LstmNetwork loadNetwork(Path modelFile) throws LstmcException {
        return loadNetwork(modelFile, LoadOptions.DEFAULT);
    }

    /** {@link #loadNetwork(Path)} with a Burn config or a tensor prefix ({@link #load(Path, LoadOptions)}). */
    public LstmNetwork loadNetwork(Path modelFile, LoadOptions options) throws LstmcException {
        Model model = load(modelFile, options);
        Path fileName = modelFile.getFileName();
        CompileOptions compileOptions = new CompileOptions(CompileOptions.DEFAULT_PACKAGE,
                JavaNames.classNameFor(fileName == null ? "model" : fileName.toString()), Backend.BYTECODE, 8);
        return instantiate(model, compileOptions);
    }

    /**
     * A multi-line description of how {@code model} is compiled, for {@code lstmc inspect}: per layer
     * and direction whether its products are unrolled or looped and in how many methods, then the
     * class's method count, largest method and constant pool size, measured on the class the bytecode
     * back end renders from the same plan (no Java compiler needed, and fast even for large models).
     */
    public String describePlan(Model model) {
        return describePlan(model, WeightStorage.FP32);
    }

    /** {@link #describePlan(Model)} for the class generated with {@code weights} storage. */
    public String describePlan(Model model, WeightStorage weights) {
        Plan plan = plan(withWeights(model, weights), PlanOptions.DEFAULT.withWeights(weights));
        StringBuilder b = new StringBuilder();
        for (DirectionPlan d : plan.directions()) {
            b.append(d.method()).append(": gates ").append(describe(d.gates()));
            if (d.projection() != null) {
                b.append(", projection ").append(describe(d.projection()));
            }
            b.append('\n');
        }
        if (plan.stages() != null && plan.stages().folded() != null) {
            b.append("embedding: folded into layer 0 (token calls copy a row of a ").append(model.vocabularySize())
                    .append('x').append(plan.stages().folded().rows()).append(" table per direction instead of the input"
                            + " product; --fold-embedding off to keep it)\n");
        }
        if (plan.stages() != null && plan.stages().head() != null) {
            for (io.github.lstmc.compiler.plan.HeadPlan.Step step : plan.stages().head().steps()) {
                if (step instanceof io.github.lstmc.compiler.plan.HeadPlan.Product p) {
                    b.append("head: dense ").append(describe(p.product())).append('\n');
                }
            }
        }
        CompileOptions options = CompileOptions.of(CompileOptions.DEFAULT_PACKAGE, "Inspected");
        byte[] classFile = BytecodeEmitter.emit(plan, options.withBackend(Backend.BYTECODE)).files().get(0).content();
        ClassFileStats stats = ClassFileStats.of(classFile);
        b.append("class: ").append(classFile.length).append(" bytes, ").append(stats.methodCodeSizes().size())
                .append(" methods, largest ").append(stats.largestMethodName().replaceFirst("\\(.*", "")).append(' ')
                .append(stats.largestMethod()).append(" bytes of bytecode (JIT limit ")
                .append(ClassFileStats.JIT_METHOD_LIMIT).append("), constant pool ")
                .append(stats.constantPoolCount()).append(" of 65535 entries\n");
        long packed = 0;
        java.util.Map<io.github.lstmc.compiler.plan.FloatPacking.Encoding, Integer> encodings =
                new java.util.EnumMap<>(io.github.lstmc.compiler.plan.FloatPacking.Encoding.class);
        for (io.github.lstmc.compiler.plan.WeightField f : plan.weights()) {
            packed += f.packedBytes();
            encodings.merge(f.encoding(), 1, Integer::sum);
        }
        b.append("weights: ").append(weights.label()).append(", ").append(plan.weights().size())
                .append(plan.weights().size() == 1 ? " field " : " fields ").append(encodings.toString()
                        .toLowerCase(java.util.Locale.ROOT).replace("{", "(").replace("}", ")").replace("=", " "))
                .append(", ").append(packed).append(" bytes of constants (")
                .append(String.format(java.util.Locale.ROOT, "%.2f", packed / (double) Math.max(1, model.parameterCount())))
                .append(" per parameter)\n");
        return b.toString();
    }

    /**
     * Per storage (fp32, fp16, int8): the class size, its constants and the output difference from
     * fp32 on a seeded random input ({@link StorageReport}), one line each; a storage the model's
     * weights do not fit (fp16 beyond 65504) says why.
     */
    public String describeStorage(Model model) {
        StringBuilder b = new StringBuilder();
        for (WeightStorage s : WeightStorage.values()) {
            try {
                b.append(StorageReport.of(model, s).describe()).append('\n');
            } catch (IllegalArgumentException e) {
                b.append(s.label()).append(": not possible: ").append(e.getMessage()).append('\n');
            }
        }
        return b.toString();
    }

    private static String describe(MatVec product) {
        String kind = product instanceof UnrolledMatVec ? "unrolled"
                : product instanceof VectorMatVec ? "Vector API" : "looped";
        return kind + " (" + product.rows() + " rows, " + product.weightCount() + " weights, "
                + product.methodCount() + (product.methodCount() == 1 ? " method)" : " methods)");
    }

    private static InMemoryJavaCompiler.Result compileSource(Plan plan, CompileOptions options) {
        String source = new String(JavaSourceEmitter.emit(plan, options).content(), StandardCharsets.UTF_8);
        return InMemoryJavaCompiler.compile(Map.of(options.qualifiedName(), source), options.vectorApi());
    }

    private static LstmNetwork newInstance(InMemoryJavaCompiler.Result compiled, String className) {
        try {
            return (LstmNetwork) compiled.load(className).getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instantiate generated class " + className, e);
        }
    }
}
