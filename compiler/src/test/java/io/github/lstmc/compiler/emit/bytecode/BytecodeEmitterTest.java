package io.github.lstmc.compiler.emit.bytecode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.emit.ModelClassLoader;
import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.plan.Plan;
import io.github.lstmc.compiler.plan.PlanOptions;
import io.github.lstmc.compiler.plan.Planner;
import io.github.lstmc.compiler.plan.WorkspaceBuffer;
import io.github.lstmc.runtime.Layout;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/** The bytecode back end on small hand-made models: arithmetic checked by hand, class-file structure. */
class BytecodeEmitterTest {
    private static final CompileOptions OPTIONS =
            CompileOptions.of("lstmc.test", "Tiny").withBackend(Backend.BYTECODE);

    /** One unit, one input feature, default activations: w = (wi, wf, wg, wo), r likewise, b. */
    private static Model scalarModel(Direction direction, Layout layout) {
        DirectionCell cell = new DirectionCell(direction,
                Matrix.of(4, 1, new float[] {0.5f, -0.25f, 0.75f, 1f}),
                Matrix.of(4, 1, new float[] {-0.5f, 0.3f, 1f, 0.2f}),
                Matrix.vector(new float[] {0.1f, 0.2f, -0.1f, 0f}),
                Matrix.vector(new float[] {0.05f, 0f, 0f, -0.3f}),
                null, null, CellActivations.DEFAULT);
        return Model.of("tiny model/../x", layout, Layer.of(cell));
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** The scalar LSTM written out by hand, in double: h_t for every step of {@code xs}. */
    private static double[] byHand(double[] xs, double h0, double c0) {
        double[] w = {0.5, -0.25, 0.75, 1};
        double[] r = {-0.5, 0.3, 1, 0.2};
        double[] b = {0.1 + 0.05, 0.2, -0.1, -0.3};
        double h = h0;
        double c = c0;
        double[] out = new double[xs.length];
        for (int t = 0; t < xs.length; t++) {
            double i = sigmoid(b[0] + w[0] * xs[t] + r[0] * h);
            double f = sigmoid(b[1] + w[1] * xs[t] + r[1] * h);
            double g = Math.tanh(b[2] + w[2] * xs[t] + r[2] * h);
            double o = sigmoid(b[3] + w[3] * xs[t] + r[3] * h);
            c = f * c + i * g;
            h = o * Math.tanh(c);
            out[t] = h;
        }
        return out;
    }

    private static LstmNetwork instantiate(Plan plan, CompileOptions options) {
        GeneratedCode code = BytecodeEmitter.emit(plan, options);
        ClassFileChecks.checkAll(code);
        return new ModelClassLoader(code).newNetwork(options.qualifiedName());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void scalarLstmMatchesTheFormula(boolean looped) {
        Plan plan = Planner.plan(scalarModel(Direction.FORWARD, Layout.BATCH_FIRST),
                looped ? PlanOptions.LOOPS_ONLY : PlanOptions.DEFAULT);
        LstmNetwork net = instantiate(plan, OPTIONS);
        float[] xs = {0.5f, -1f, 2f, 0.25f};
        float[] out = new float[xs.length];
        LstmState state = net.newState(1);
        state.hidden(0)[0] = 0.3f;
        state.cell(0)[0] = -0.7f;
        net.forward(xs, 1, xs.length, null, state, net.newWorkspace(1, xs.length), out);
        double[] expected = byHand(new double[] {0.5, -1, 2, 0.25}, 0.3, -0.7);
        for (int t = 0; t < xs.length; t++) {
            assertEquals(expected[t], out[t], 1e-6, "step " + t);
        }
        assertEquals(expected[xs.length - 1], state.hidden(0)[0], 1e-6, "final hidden state");
    }

    @Test
    void reverseDirectionWithLengthsStartsAtTheLastValidStep() {
        LstmNetwork net = instantiate(Planner.plan(scalarModel(Direction.REVERSE, Layout.SEQUENCE_FIRST)), OPTIONS);
        assertTrue(!net.isStreamable());
        // two rows, sequence-first: x[t][b]; row 0 has length 3, row 1 length 0
        float[] xs = {0.5f, 9f, -1f, 9f, 2f, 9f, 7f, 9f};
        float[] out = new float[8];
        LstmState state = net.newState(2);
        state.hidden(0)[1] = 5f;
        state.cell(0)[1] = 5f;
        net.forward(xs, 2, 4, new int[] {3, 0}, state, net.newWorkspace(2, 4), out);
        double[] walked = byHand(new double[] {2, -1, 0.5}, 0, 0);
        assertEquals(walked[0], out[2 * 2], 1e-6, "t=2 is the first reverse step");
        assertEquals(walked[1], out[1 * 2], 1e-6);
        assertEquals(walked[2], out[0], 1e-6);
        assertEquals(0f, out[3 * 2], "padding step");
        for (int t = 0; t < 4; t++) {
            assertEquals(0f, out[t * 2 + 1], "row of length 0, step " + t);
        }
        assertEquals(walked[2], state.hidden(0)[0], 1e-6, "final state is the one after x[0]");
        assertEquals(0f, state.hidden(0)[1], "length 0 zeroes the state");
        assertEquals(0f, state.cell(0)[1]);
        assertThrows(UnsupportedOperationException.class,
                () -> net.step(new float[2], state, net.newWorkspace(2, 1), new float[2]));
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 11, 17})
    void classVersionFollowsTheTargetRelease(int release) {
        GeneratedCode code = BytecodeEmitter.emit(Planner.plan(scalarModel(Direction.FORWARD, Layout.BATCH_FIRST)),
                OPTIONS.withTargetRelease(release));
        assertEquals(1, code.files().size());
        assertEquals("lstmc/test/Tiny.class", code.files().get(0).relativePath());
        ClassFileChecks.assertMajorVersion(ClassFiles.majorVersion(release), code.files().get(0).content());
        ClassFileChecks.checkAll(code);
    }

    @Test
    void carriesDebugInformation() {
        byte[] bytes = BytecodeEmitter.emit(Planner.plan(scalarModel(Direction.FORWARD, Layout.BATCH_FIRST)), OPTIONS)
                .files().get(0).content();
        List<String> seen = new ArrayList<>();
        new ClassReader(bytes).accept(new ClassVisitor(ClassFiles.ASM_API) {
            @Override
            public void visitSource(String source, String debug) {
                seen.add("source " + source);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                return new MethodVisitor(ClassFiles.ASM_API) {
                    @Override
                    public void visitLocalVariable(String local, String d, String s, Label from, Label to, int i) {
                        seen.add(name + " local " + local);
                    }

                    @Override
                    public void visitLineNumber(int line, Label start) {
                        seen.add(name + " line");
                    }
                };
            }
        }, 0);
        assertTrue(seen.contains("source tiny_model_.._x"), seen.toString());
        assertTrue(seen.contains("layer0Forward local len"), seen.toString());
        assertTrue(seen.contains("layer0ForwardCell local cn"), seen.toString());
        assertTrue(seen.contains("layer0Forward line"), seen.toString());
    }

    @Test
    void stackTracesIntoGeneratedCodeNameTheModelAndALine() {
        // A plan whose workspace is declared empty: the network's own checks pass, and the gate
        // product is the first code to index past the end, inside the generated class.
        Plan plan = Planner.plan(scalarModel(Direction.FORWARD, Layout.BATCH_FIRST));
        List<WorkspaceBuffer> empty = new ArrayList<>();
        for (WorkspaceBuffer buffer : plan.workspace()) {
            empty.add(new WorkspaceBuffer(buffer.purpose(), 0, 0));
        }
        Plan broken = new Plan(plan.header(), plan.layout(), plan.inputSize(), plan.outputSize(),
                plan.directionCount(), plan.streamable(), plan.layers(), plan.weights(), empty);
        LstmNetwork net = instantiate(broken, OPTIONS);
        ArrayIndexOutOfBoundsException e = assertThrows(ArrayIndexOutOfBoundsException.class,
                () -> net.forward(new float[1], 1, 1, null, net.newState(1), net.newWorkspace(1, 1), new float[1]));
        StackTraceElement top = e.getStackTrace()[0];
        assertEquals("lstmc.test.Tiny", top.getClassName());
        assertTrue(top.getMethodName().startsWith("layer0ForwardGates"), top.toString());
        assertEquals("tiny_model_.._x", top.getFileName());
        assertTrue(top.getLineNumber() > 0, top.toString());
        StackTraceElement driver = e.getStackTrace()[1];
        assertEquals("layer0Forward", driver.getMethodName());
        assertTrue(driver.getLineNumber() > 0 && driver.getLineNumber() != top.getLineNumber(), driver.toString());
    }

    /**
     * The worst case for the planner's bytecode estimate: unrolled rows of distinct weights (ldc_w),
     * none 0 or ±1, at input indices above 127 (sipush), cut at the largest budget the planner
     * allows. Every method must still be JIT-able, and the model must still compute right.
     */
    @Test
    void denseUnrolledMethodsStayBelowTheJitLimit() {
        int inputs = 286; // rows of 289 terms: exactly two fit the 7,000-byte budget
        int hidden = 3;
        java.util.Random rnd = new java.util.Random(5);
        float[] w = new float[4 * hidden * inputs];
        float[] r = new float[4 * hidden * hidden];
        for (int i = 0; i < w.length; i++) {
            w[i] = 0.01f + rnd.nextFloat() * 0.05f;
        }
        for (int i = 0; i < r.length; i++) {
            r[i] = 0.01f + rnd.nextFloat() * 0.05f;
        }
        Model model = Model.of("dense", Layout.BATCH_FIRST, Layer.of(new DirectionCell(Direction.FORWARD,
                Matrix.of(4 * hidden, inputs, w), Matrix.of(4 * hidden, hidden, r), null, null, null, null,
                CellActivations.DEFAULT)));
        Plan plan = Planner.plan(model, new PlanOptions(4096, 32768, 7000));
        assertTrue(plan.directions().get(0).gates() instanceof io.github.lstmc.compiler.plan.UnrolledMatVec);
        assertTrue(plan.directions().get(0).gates().methodCount() > 1, "the budget cuts the product");
        GeneratedCode code = BytecodeEmitter.emit(plan, OPTIONS);
        ClassFileChecks.checkAll(code);
        io.github.lstmc.compiler.emit.ClassFileStats stats =
                io.github.lstmc.compiler.emit.ClassFileStats.of(code.files().get(0).content());
        assertTrue(stats.largestMethod() > 6500, "the test reaches near the budget: " + stats.largestMethod());
        LstmNetwork net = new ModelClassLoader(code).newNetwork(OPTIONS.qualifiedName());
        float[] x = new float[inputs];
        java.util.Arrays.fill(x, 0.5f);
        float[] out = new float[hidden];
        net.step(x, net.newState(1), net.newWorkspace(1, 1), out);
        for (int j = 0; j < hidden; j++) {
            double[] z = new double[4];
            for (int gate = 0; gate < 4; gate++) {
                for (int k = 0; k < inputs; k++) {
                    z[gate] += 0.5 * w[(gate * hidden + j) * inputs + k];
                }
            }
            double c = sigmoid(z[0]) * Math.tanh(z[2]);
            assertEquals(sigmoid(z[3]) * Math.tanh(c), out[j], 1e-5, "unit " + j);
        }
    }

    @Test
    void layerIndexOutOfRangeIsRejected() {
        LstmNetwork net = instantiate(Planner.plan(scalarModel(Direction.FORWARD, Layout.BATCH_FIRST)), OPTIONS);
        assertEquals(1, net.hiddenSize(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.stateSize(1));
        assertEquals("layer must be in 0..0, got 1", e.getMessage());
    }
}
