package io.github.lstmc.compiler.emit.width;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.WeightStorage;
import io.github.lstmc.compiler.emit.ModelClassLoader;
import io.github.lstmc.compiler.emit.bytecode.BytecodeEmitter;
import io.github.lstmc.compiler.emit.java.InMemoryJavaCompiler;
import io.github.lstmc.compiler.emit.java.JavaSourceEmitter;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.plan.Plan;
import io.github.lstmc.compiler.plan.PlanOptions;
import io.github.lstmc.compiler.plan.Planner;
import io.github.lstmc.compiler.plan.Quantizer;
import io.github.lstmc.compiler.testing.RandomModels;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The child JVM of {@link VectorWidthTest}: compiles a fixed set of random models (LSTM, GRU and RNN
 * stacks, every product and cell-update form, sizes that leave remainders at every vector width) to
 * the Vector API tier through both back ends and to the default tier, runs each one the same fixed
 * number of times (with synchronous compilation, so that the last runs are C2-compiled code; the
 * bits must not depend on it) and prints one line per model and engine:
 * {@code <name> <engine> <SHA-256 of the raw bits of every output and final state value>}, after a
 * first line {@code species <FloatVector.SPECIES_PREFERRED>}. Exits 1 when the two back ends of the
 * Vector API tier disagree, which the parent also checks from the lines.
 */
public final class VectorWidthProbe {
    /** Models compiled per run; fixed, so that every child prints the same names. */
    static final int MODELS = 12;
    /**
     * Calls per engine unless the first argument says otherwise; bounded, no waiting for the JIT. The
     * parent runs this JVM with synchronous compilation, so that the later calls run C2 code; widths
     * the CPU lacks run the Vector API's Java fallback, many times slower, which is why the count is small.
     */
    static final int CALLS = 40;
    private static int calls = CALLS;
    private static final String PACKAGE = "lstmc.width";

    private VectorWidthProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            calls = Integer.parseInt(args[0]);
        }
        // by reflection: the incubating module is resolved at run time only
        System.out.println("species " + Class.forName("jdk.incubator.vector.FloatVector")
                .getField("SPECIES_PREFERRED").get(null));
        Map<String, String> sources = new LinkedHashMap<>();
        Map<String, GeneratedCode> vectorBytecode = new LinkedHashMap<>();
        Map<String, GeneratedCode> scalarBytecode = new LinkedHashMap<>();
        Map<String, Model> models = new LinkedHashMap<>();
        for (int seed = 0; seed < MODELS; seed++) {
            WeightStorage storage = WeightStorage.values()[seed % 3];
            RandomModels.Features features = (seed % 2 == 0 ? RandomModels.Features.all()
                    : RandomModels.Features.allCells()).withMaxSize(seed % 3 == 0 ? 72 : 40);
            Model model = Quantizer.quantize(RandomModels.model(new Random(9100 + seed), features), storage);
            // single-row products, batch groups and the input pre-pass
            PlanOptions vector = (seed % 3 == 0 ? PlanOptions.DEFAULT : seed % 3 == 1 ? PlanOptions.LOOPS_ONLY
                    : PlanOptions.LOOPS_ONLY.withPrecomputeTile(1)).withVectorApi(true).withWeights(storage);
            String name = "W" + seed;
            models.put(name, model);
            Plan vectorPlan = Planner.plan(model, vector);
            vectorBytecode.put(name, BytecodeEmitter.emit(vectorPlan,
                    new CompileOptions(PACKAGE, name, Backend.BYTECODE, 17, true)));
            sources.put(PACKAGE + "." + name, JavaSourceEmitter.render(vectorPlan, PACKAGE, name));
            scalarBytecode.put(name, BytecodeEmitter.emit(Planner.plan(model, PlanOptions.DEFAULT.withWeights(storage)),
                    new CompileOptions(PACKAGE, "S" + seed, Backend.BYTECODE, 8, false)));
        }
        InMemoryJavaCompiler.Result compiled = InMemoryJavaCompiler.compile(sources, true);
        boolean agree = true;
        for (Map.Entry<String, Model> e : models.entrySet()) {
            String name = e.getKey();
            long seed = 31L * name.hashCode();
            LstmNetwork source = (LstmNetwork) compiled.load(PACKAGE + "." + name).getConstructor().newInstance();
            String fromSource = digest(source, e.getValue(), seed);
            String fromBytecode = digest(new ModelClassLoader(vectorBytecode.get(name)).newNetwork(PACKAGE + "." + name),
                    e.getValue(), seed);
            String scalar = digest(new ModelClassLoader(scalarBytecode.get(name))
                    .newNetwork(PACKAGE + ".S" + name.substring(1)), e.getValue(), seed);
            agree &= fromSource.equals(fromBytecode);
            System.out.println(name + " vector-bytecode " + fromBytecode);
            System.out.println(name + " vector-source " + fromSource);
            System.out.println(name + " scalar " + scalar);
        }
        System.exit(agree ? 0 : 1);
    }

    /**
     * Runs {@code net} {@code calls} times on inputs made from {@code seed} (a batch that fills a
     * group and leaves a remainder, 7 steps, lengths and an initial state) and returns the digest of
     * the last run's output and final state; every run must give the same bits as the first.
     */
    private static String digest(LstmNetwork net, Model model, long seed) throws NoSuchAlgorithmException {
        Random rnd = new Random(seed);
        int batch = 7;
        int steps = 7;
        float[] input = new float[batch * steps * model.inputSize()];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) rnd.nextGaussian();
        }
        int[] lengths = RandomModels.lengths(rnd, batch, steps);
        LstmState initial = net.newState(batch);
        RandomModels.fillState(rnd, initial);
        String first = null;
        String last = null;
        for (int call = 0; call < calls; call++) {
            LstmState state = net.newState(batch);
            for (int k = 0; k < initial.size(); k++) {
                System.arraycopy(initial.hidden(k), 0, state.hidden(k), 0, initial.hidden(k).length);
                System.arraycopy(initial.cell(k), 0, state.cell(k), 0, initial.cell(k).length);
            }
            float[] output = new float[batch * steps * net.outputSize()];
            net.forward(input, batch, steps, lengths.clone(), state, net.newWorkspace(batch, steps), output);
            last = hash(output, state);
            if (first == null) {
                first = last;
            } else if (!first.equals(last)) {
                return "changed-at-call-" + call + ":" + first + "->" + last;
            }
        }
        return last;
    }

    private static String hash(float[] output, LstmState state) throws NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        update(sha, output);
        for (int k = 0; k < state.size(); k++) {
            update(sha, state.hidden(k));
            update(sha, state.cell(k));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void update(MessageDigest sha, float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4);
        for (float v : values) {
            bytes.putInt(Float.floatToRawIntBits(v));
        }
        sha.update(bytes.array());
    }
}
