package io.github.lstmc.compiler.constrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.android.dex.Dex;
import com.android.dx.command.dexer.DxContext;
import com.android.dx.command.dexer.Main;
import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.GeneratedFile;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.emit.java.InMemoryJavaCompiler;
import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Embedding;
import io.github.lstmc.compiler.model.HeadLayer;
import io.github.lstmc.compiler.model.InputAffine;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.model.TimeReduction;
import io.github.lstmc.compiler.plan.PlanOptions;
import io.github.lstmc.compiler.plan.UnrolledMatVec;
import io.github.lstmc.compiler.testing.RandomModels;
import io.github.lstmc.compiler.testing.RandomModels.Features;
import io.github.lstmc.runtime.Layout;
import io.github.lstmc.runtime.LstmNetwork;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.codehaus.mojo.animal_sniffer.ClassListBuilder;
import org.codehaus.mojo.animal_sniffer.SignatureChecker;
import org.codehaus.mojo.animal_sniffer.logging.Logger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The default tier's generated classes run on constrained JVMs (README: Constrained JVMs): the
 * classes of both back ends, for models that together use every feature, reference only Android
 * API 21 and Java 8 API (animal-sniffer signatures), and they dex with the legacy {@code dx} at
 * {@code --min-sdk-version=21} together with the runtime. The runtime's own classes are checked
 * against the same signatures by the runtime module's animal-sniffer executions.
 *
 * <p>The source back end's output is compiled at {@code --release 8}, the bytecode back end's is
 * emitted at target 8 (class-file version 52, the newest {@code dx} reads). The classes stay in
 * {@code target/constrained-jvm/} for inspection. The signature files' paths come from Maven
 * ({@code dependency:properties}, see the compiler's pom).
 */
class ConstrainedJvmTest {
    private static final String PACKAGE = "lstmc.constrained";
    private static final Path OUT = Path.of("target", "constrained-jvm");
    private static final Path CLASSES = OUT.resolve("classes");

    /** Binary names of the generated classes (nested classes excluded). */
    private static final List<String> GENERATED = new ArrayList<>();

    @BeforeAll
    static void generate() throws IOException {
        deleteTree(OUT);
        Files.createDirectories(CLASSES);
        Lstmc lstmc = Lstmc.compiler();
        Map<String, String> sources = new LinkedHashMap<>();
        int n = 0;
        for (Case c : cases()) {
            String base = c.name() + n++;
            CompileOptions source = CompileOptions.of(PACKAGE, base + "Source");
            GeneratedFile java = lstmc.generate(c.model(), source, c.plan()).files().get(0);
            sources.put(source.qualifiedName(), new String(java.content(), StandardCharsets.UTF_8));
            GENERATED.add(source.qualifiedName());
            CompileOptions bytecode = CompileOptions.of(PACKAGE, base + "Bytecode").withBackend(Backend.BYTECODE)
                    .withTargetRelease(8);
            for (GeneratedFile f : lstmc.generate(c.model(), bytecode, c.plan()).files()) {
                write(CLASSES.resolve(f.relativePath()), f.content());
            }
            GENERATED.add(bytecode.qualifiedName());
        }
        // one javac run at --release 8 for all sources
        InMemoryJavaCompiler.compile(sources).classFiles().forEach((name, bytes) -> {
            try {
                write(CLASSES.resolve(name.replace('.', '/') + ".class"), bytes);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void generatedClassesAreClassFileVersion52() throws IOException {
        for (String name : GENERATED) {
            byte[] bytes = Files.readAllBytes(classFile(name));
            int major = (bytes[6] & 0xff) << 8 | (bytes[7] & 0xff);
            assertEquals(52, major, name);
        }
    }

    @Test
    void generatedClassesUseOnlyAndroidApi21() throws IOException {
        assertSignature("net.sf.androidscents.signature:android-api-level-21:signature");
    }

    @Test
    void generatedClassesUseOnlyJava8Api() throws IOException {
        assertSignature("org.codehaus.mojo.signature:java18:signature");
    }

    @Test
    void generatedClassesAndRuntimeDexAtMinSdk21() throws IOException {
        Path dex = OUT.resolve("classes.dex");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(log, true, StandardCharsets.UTF_8);
        DxContext context = new DxContext(print, print);
        Main.Arguments arguments = new Main.Arguments(context);
        arguments.parseFlags(new String[] {"--min-sdk-version=21", "--output=" + dex, "--num-threads=2"});
        arguments.fileNames = new String[] {runtimeLocation().toString(), CLASSES.toString()};
        arguments.makeOptionsObjects();
        int status = new Main(context).runDx(arguments);
        assertEquals(0, status, "dx failed:\n" + log.toString(StandardCharsets.UTF_8));
        Set<String> types = new HashSet<>();
        new Dex(dex.toFile()).typeNames().forEach(types::add);
        for (String name : GENERATED) {
            assertTrue(types.contains("L" + name.replace('.', '/') + ";"), name + " missing from the dex file");
        }
        assertTrue(types.contains("Lio/github/lstmc/runtime/ParallelLstm;"), "runtime missing from the dex file");
    }

    /** Checks every generated class against the signature whose file Maven put in {@code property}. */
    private static void assertSignature(String property) throws IOException {
        String file = System.getProperty(property);
        assertTrue(file != null && new File(file).isFile(),
                "system property " + property + " must name the signature file (run through Maven)");
        List<String> errors = new ArrayList<>();
        Logger logger = new Logger() {
            @Override
            public void info(String message) {
            }

            @Override
            public void info(String message, Throwable t) {
            }

            @Override
            public void debug(String message) {
            }

            @Override
            public void debug(String message, Throwable t) {
            }

            @Override
            public void warn(String message) {
            }

            @Override
            public void warn(String message, Throwable t) {
            }

            @Override
            public void error(String message) {
                errors.add(message);
            }

            @Override
            public void error(String message, Throwable t) {
                errors.add(message + ": " + t);
            }
        };
        // as the Maven plugin does: the checked classes and their dependency (the runtime, checked
        // on its own) are not part of the platform but are not violations either
        ClassListBuilder own = new ClassListBuilder(logger);
        own.process(CLASSES.toFile());
        own.process(runtimeLocation().toFile());
        SignatureChecker checker;
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            checker = new SignatureChecker(in, own.getPackages(), logger);
        }
        checker.setSourcePath(List.of());
        checker.process(CLASSES.toFile());
        assertTrue(errors.isEmpty() && !checker.isSignatureBroken(),
                "generated classes reach past " + property + ":\n  " + String.join("\n  ", errors));
    }

    private record Case(String name, Model model, PlanOptions plan) {
    }

    /**
     * Models that together use every feature: every cell option and activation (in the cells and
     * in heads), embedding, input transform, every reduction, dense, PReLU and (log-)softmax heads,
     * unrolled, looped, pre-projected and batch-grouped products; one model whose weights exceed one
     * string constant, and one whose unrolled products need several methods each.
     */
    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        Random rnd = new Random(21);
        Features every = Features.all().withMaxSize(10).withMaxLayers(2).withProbability(1);
        Features half = Features.all().withMaxSize(12).withMaxLayers(2);
        PlanOptions unrolled = new PlanOptions(1 << 16, 1 << 16, PlanOptions.DEFAULT_METHOD_BYTECODE_BUDGET);
        PlanOptions precomputed = PlanOptions.DEFAULT.withPrecomputeTile(4).withBatchGroup(1);

        // every activation kind in a head, behind an embedding (a whole token network)
        Model rich = RandomModels.model(rnd, every);
        List<HeadLayer> head = new ArrayList<>();
        int width = rich.recurrentOutputSize();
        head.add(dense(rnd, 6, width, true));
        width = 6;
        for (Activation.Kind kind : Activation.Kind.values()) {
            head.add(new HeadLayer.Elementwise(width, RandomModels.parameters(rnd, kind)));
        }
        head.add(new HeadLayer.PRelu(Matrix.vector(values(rnd, width))));
        head.add(dense(rnd, 4, width, false));
        head.add(new HeadLayer.Softmax(4, false));
        Model whole = rich.withStages(embedding(rnd, 17, rich.inputSize()), null, TimeReduction.LAST_VALID_STEP,
                head, true, false);
        cases.add(new Case("Whole", whole, PlanOptions.DEFAULT));
        cases.add(new Case("WholeUnrolled", whole, unrolled));
        cases.add(new Case("WholeLooped", whole, PlanOptions.LOOPS_ONLY));
        cases.add(new Case("WholePrecomputed", whole, precomputed));

        // every reduction, with float input (plain or transformed) or tokens, and a log-softmax head
        TimeReduction[] reductions = TimeReduction.values();
        for (int k = 0; k < reductions.length; k++) {
            Model stack = RandomModels.model(rnd, k % 2 == 0 ? every : half);
            int in = stack.inputSize();
            Embedding embedding = k % 3 == 0 ? embedding(rnd, 9, in) : null;
            InputAffine affine = k % 3 == 1
                    ? new InputAffine(Matrix.vector(values(rnd, in)), Matrix.vector(values(rnd, in))) : null;
            int out = k == 2 ? 1 : 3;
            List<HeadLayer> layers = List.of(dense(rnd, out, stack.recurrentOutputSize(), k % 2 == 0),
                    new HeadLayer.Softmax(out, true));
            Model model = stack.withStages(embedding, affine, reductions[k], layers, k % 2 == 1, out == 1);
            cases.add(new Case("Reduce" + reductions[k].name().replace("_", ""), model,
                    k % 2 == 0 ? PlanOptions.DEFAULT : precomputed));
        }

        // a bare stack whose recurrent weights (4 * 64 x 64 floats, 5 characters each) span
        // several string constants of at most 65,535 bytes
        cases.add(new Case("LargeWeights", resized(rnd, 32, 64), PlanOptions.DEFAULT));
        assertTrue(4L * 64 * 64 * 5 > 65_535);

        // unrolled products cut into several methods each
        Model wide = resized(rnd, 24, 24);
        UnrolledMatVec gates = assertInstanceOf(UnrolledMatVec.class,
                Lstmc.compiler().plan(wide, unrolled).directions().get(0).gates());
        assertTrue(gates.methods().size() > 1, "gate product in " + gates.methods().size() + " method(s)");
        cases.add(new Case("ManyMethods", wide, unrolled));

        // GRU and RNN layers (with an LSTM among them), unrolled, looped, pre-projected and batch-grouped
        Features cells = Features.allCells().withMaxSize(10).withMaxLayers(3);
        Model gru = RandomModels.model(21, cells, RandomModels.withCells(io.github.lstmc.compiler.model.CellKind.GRU,
                io.github.lstmc.compiler.model.CellKind.RNN));
        cases.add(new Case("GruRnn", gru, PlanOptions.DEFAULT));
        cases.add(new Case("GruRnnLooped", gru, PlanOptions.LOOPS_ONLY.withBatchGroup(3)));
        cases.add(new Case("GruRnnPrecomputed", gru, PlanOptions.LOOPS_ONLY.withPrecomputeTile(4)));
        return cases;
    }

    /** A one-layer forward LSTM of the given sizes with both biases and default activations. */
    private static Model resized(Random rnd, int input, int hidden) {
        float scale = (float) (1 / Math.sqrt(hidden));
        DirectionCell cell = new DirectionCell(
                Direction.FORWARD, matrix(rnd, 4 * hidden, input, scale),
                matrix(rnd, 4 * hidden, hidden, scale), matrix(rnd, 1, 4 * hidden, scale), matrix(rnd, 1, 4 * hidden, scale),
                null, null,
                CellActivations.DEFAULT);
        return new Model("sized", List.of(Layer.of(cell)),
                Layout.BATCH_FIRST);
    }

    private static Matrix matrix(Random rnd, int rows, int cols, float scale) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (rnd.nextFloat() * 2 - 1) * scale;
        }
        return Matrix.of(rows, cols, v);
    }

    private static HeadLayer.Dense dense(Random rnd, int out, int in, boolean bias) {
        return new HeadLayer.Dense(Matrix.of(out, in, values(rnd, out * in)),
                bias ? Matrix.vector(values(rnd, out)) : null);
    }

    private static Embedding embedding(Random rnd, int vocabulary, int dim) {
        return new Embedding(Matrix.of(vocabulary, dim, values(rnd, vocabulary * dim)));
    }

    private static float[] values(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian() * 0.5f;
        }
        return v;
    }

    private static Path runtimeLocation() {
        try {
            return Path.of(LstmNetwork.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path classFile(String binaryName) {
        return CLASSES.resolve(binaryName.replace('.', '/') + ".class");
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
