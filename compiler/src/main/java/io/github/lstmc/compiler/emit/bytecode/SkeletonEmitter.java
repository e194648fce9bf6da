package io.github.lstmc.compiler.emit.bytecode;

import static org.objectweb.asm.Opcodes.*;

import io.github.lstmc.compiler.plan.BatchGroup;
import io.github.lstmc.compiler.plan.DirectionPlan;
import io.github.lstmc.compiler.plan.InputProjection;
import io.github.lstmc.compiler.plan.LayerPlan;
import io.github.lstmc.compiler.plan.Plan;
import io.github.lstmc.compiler.plan.WeightField;
import io.github.lstmc.compiler.plan.WorkspaceBuffer;
import java.util.List;
import java.util.function.ToIntFunction;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.Label;

/**
 * Renders what {@link Plan} says every generated class has besides its kernels: the weight
 * fields and their {@code <clinit>}, the constructor, the size accessors, {@code workspaceSizes},
 * and {@code forwardChecked}/{@code stepChecked}, which call the direction drivers.
 */
final class SkeletonEmitter {
    private final ClassContext cls;
    private final Plan plan;

    SkeletonEmitter(ClassContext cls, Plan plan) {
        this.cls = cls;
        this.plan = plan;
    }

    /** {@code @LstmcGenerated(value = compilerVersion, modelDigest = weightDigest)}, CLASS retention. */
    void annotation() {
        AnnotationVisitor av = cls.visitor().visitAnnotation(RuntimeTypes.GENERATED, false);
        av.visit("value", plan.header().compilerVersion());
        av.visit("modelDigest", plan.header().weightDigest());
        av.visitEnd();
    }

    /**
     * {@code private static final float[] NAME} or {@code float[][] NAME}, in plan order, and one
     * {@code private static String $packedN} per chunk whose value is a {@code ConstantValue}
     * attribute, not an {@code ldc}: the JVM sets such a field from an interned string when it
     * prepares the class, without keeping the string in the class's resolved constants, so once
     * {@code <clinit>} has decoded the weights and cleared the field, the string is garbage
     * (an {@code ldc}'d string stays reachable as long as the class, as much heap again as the weights).
     */
    void fields() {
        for (WeightField field : plan.weights()) {
            cls.visitor().visitField(ACC_PRIVATE | ACC_STATIC | ACC_FINAL, field.name(), descriptor(field), null, null)
                    .visitEnd();
        }
        int n = 0;
        for (WeightField field : plan.weights()) {
            for (String chunk : field.chunks()) {
                cls.visitor().visitField(ACC_PRIVATE | ACC_STATIC | ACC_SYNTHETIC, chunkField(n++),
                        "L" + RuntimeTypes.STRING + ";", null, chunk).visitEnd();
            }
        }
    }

    /** The name of the field holding the {@code n}th chunk (a {@code $} keeps it apart from weight names). */
    static String chunkField(int n) {
        return "$packed" + n;
    }

    private static String descriptor(WeightField field) {
        return field.shape() == WeightField.Shape.VECTOR ? RuntimeTypes.FLOATS : RuntimeTypes.FLOAT_ROWS;
    }

    /**
     * {@code NAME = PackedFloats.vector(cols, new String[] {$packed0, ...})} or
     * {@code PackedFloats.rows(rows, cols, ...)}, one line per field, in declaration order, each
     * chunk field cleared ({@code $packedN = null}) once decoded.
     */
    void staticInitializer() {
        if (plan.weights().isEmpty()) {
            return;
        }
        Code code = cls.method(ACC_STATIC, "<clinit>", "()V");
        String stringType = "L" + RuntimeTypes.STRING + ";";
        int n = 0;
        for (WeightField field : plan.weights()) {
            code.line();
            boolean vector = field.shape() == WeightField.Shape.VECTOR;
            if (!vector) {
                code.pushInt(field.rows());
            }
            code.pushInt(field.cols());
            List<String> chunks = field.chunks();
            code.pushInt(chunks.size());
            code.mv().visitTypeInsn(ANEWARRAY, RuntimeTypes.STRING);
            for (int i = 0; i < chunks.size(); i++) {
                code.insn(DUP);
                code.pushInt(i);
                code.getStatic(cls.owner(), chunkField(n + i), stringType);
                code.insn(AASTORE);
            }
            code.invokeStatic(RuntimeTypes.PACKED_FLOATS, vector ? "vector" : "rows",
                    vector ? RuntimeTypes.PACKED_VECTOR : RuntimeTypes.PACKED_ROWS);
            code.putStatic(cls.owner(), field.name(), descriptor(field));
            for (int i = 0; i < chunks.size(); i++) {
                code.insn(ACONST_NULL);
                code.putStatic(cls.owner(), chunkField(n + i), stringType);
            }
            n += chunks.size();
        }
        code.insn(RETURN);
        code.finish();
    }

    /** {@code public Name() { super(); }}. */
    void constructor() {
        Code code = cls.method(ACC_PUBLIC, "<init>", "()V");
        code.line();
        code.load(code.local("this"));
        code.mv().visitMethodInsn(INVOKESPECIAL, RuntimeTypes.ABSTRACT_NETWORK, "<init>", "()V", false);
        code.insn(RETURN);
        code.finish();
    }

    /** The constant accessors of {@code LstmNetwork}. */
    void accessors() {
        intConstant("inputSize", plan.inputSize());
        intConstant("outputSize", plan.outputSize());
        intConstant("layerCount", plan.layers().size());
        intConstant("directionCount", plan.directionCount());
        perLayer("hiddenSize", LayerPlan::hiddenSize);
        perLayer("stateSize", LayerPlan::stateSize);
        if (plan.hasLayersWithoutCellState()) {
            perLayer("cellSize", LayerPlan::cellSize);
        }

        Code layout = cls.method(ACC_PUBLIC, "layout", "()L" + RuntimeTypes.LAYOUT + ";");
        layout.line();
        layout.getStatic(RuntimeTypes.LAYOUT, plan.layout().name(), "L" + RuntimeTypes.LAYOUT + ";");
        layout.insn(ARETURN);
        layout.finish();

        Code streamable = cls.method(ACC_PUBLIC, "isStreamable", "()Z");
        streamable.line();
        streamable.pushInt(plan.streamable() ? 1 : 0);
        streamable.insn(IRETURN);
        streamable.finish();

        Code digest = cls.method(ACC_PUBLIC, "modelDigest", "()Ljava/lang/String;");
        digest.line();
        digest.mv().visitLdcInsn(plan.header().weightDigest());
        digest.insn(ARETURN);
        digest.finish();
        if (plan.stages() != null) {
            new StageEmitter(cls, plan).accessors();
        }
    }

    private void intConstant(String name, int value) {
        Code code = cls.method(ACC_PUBLIC, name, "()I");
        code.line();
        code.pushInt(value);
        code.insn(IRETURN);
        code.finish();
    }

    /**
     * {@code switch (layer) { case k: return value(k); }} and, for any other index,
     * {@code throw new IllegalArgumentException("layer must be in 0..L-1, got " + layer)}.
     */
    private void perLayer(String name, ToIntFunction<LayerPlan> value) {
        Code code = cls.method(ACC_PUBLIC, name, "(I)I", "layer");
        Code.Local layer = code.local("layer");
        List<LayerPlan> layers = plan.layers();
        code.line();
        Label invalid = new Label();
        Label[] cases = new Label[layers.size()];
        for (int k = 0; k < cases.length; k++) {
            cases[k] = new Label();
        }
        code.load(layer);
        code.mv().visitTableSwitchInsn(0, cases.length - 1, invalid, cases);
        for (int k = 0; k < cases.length; k++) {
            code.mv().visitLabel(cases[k]);
            code.pushInt(value.applyAsInt(layers.get(k)));
            code.insn(IRETURN);
        }
        code.mv().visitLabel(invalid);
        code.line();
        code.mv().visitTypeInsn(NEW, RuntimeTypes.ILLEGAL_ARGUMENT);
        code.insn(DUP);
        code.mv().visitTypeInsn(NEW, RuntimeTypes.STRING_BUILDER);
        code.insn(DUP);
        code.pushString("layer must be in 0.." + (layers.size() - 1) + ", got ");
        code.mv().visitMethodInsn(INVOKESPECIAL, RuntimeTypes.STRING_BUILDER, "<init>", "(Ljava/lang/String;)V", false);
        code.load(layer);
        code.invokeVirtual(RuntimeTypes.STRING_BUILDER, "append", "(I)Ljava/lang/StringBuilder;");
        code.invokeVirtual(RuntimeTypes.STRING_BUILDER, "toString", "()Ljava/lang/String;");
        code.mv().visitMethodInsn(INVOKESPECIAL, RuntimeTypes.ILLEGAL_ARGUMENT, "<init>", "(Ljava/lang/String;)V", false);
        code.insn(ATHROW);
        code.finish();
    }

    /**
     * {@code protected int[] workspaceSizes(int batch, int maxSeq)}: per buffer,
     * {@code fixed + perPosition * (batch * maxSeq)}, overflow-checked with the runtime's
     * {@code Sizes} (Android has {@code Math.*Exact} only from API 24).
     */
    void workspaceSizes() {
        Code code = cls.method(ACC_PROTECTED, "workspaceSizes", "(II)[I", "batch", "maxSeq");
        List<WorkspaceBuffer> buffers = plan.workspace();
        code.line();
        code.load(code.local("batch"));
        code.load(code.local("maxSeq"));
        code.invokeStatic(RuntimeTypes.SIZES, "multiply", "(II)I");
        Code.Local positions = code.storeNewInt("positions");
        code.pushInt(buffers.size());
        code.mv().visitIntInsn(NEWARRAY, T_INT);
        for (int i = 0; i < buffers.size(); i++) {
            WorkspaceBuffer buffer = buffers.get(i);
            code.line();
            code.insn(DUP);
            code.pushInt(i);
            code.pushInt(buffer.fixed());
            if (buffer.perPosition() != 0) {
                code.pushInt(buffer.perPosition());
                code.load(positions);
                code.invokeStatic(RuntimeTypes.SIZES, "multiply", "(II)I");
                code.invokeStatic(RuntimeTypes.SIZES, "add", "(II)I");
            }
            code.insn(IASTORE);
        }
        code.insn(ARETURN);
        code.finish();
    }

    /**
     * Calls every direction driver in order, one line per call, with workspace buffers 0, 1, 2 as
     * {@code z, hraw, pz} and the {@link io.github.lstmc.compiler.plan.InputProjection} buffer as
     * {@code xz} (null without one).
     */
    void forwardChecked() {
        forward(false);
        if (plan.stages() != null && plan.stages().folded() != null) {
            forward(true);
        }
    }

    /**
     * {@code forwardChecked}, or with {@code tokens} {@code forwardTokensChecked} of a folded embedding
     * ({@link io.github.lstmc.compiler.plan.FoldedEmbedding}): the same driver calls, but layer 0 reads no
     * input and its directions gather rows of their folded tables into xz instead of running their pre-passes.
     */
    private void forward(boolean tokens) {
        Code code = tokens
                ? cls.method(ACC_PROTECTED, "forwardTokensChecked", RuntimeTypes.FORWARD_TOKENS_CHECKED,
                        "tokens", "batch", "sequenceLength", "lengths", "state", "workspace", "output")
                : cls.method(ACC_PROTECTED, "forwardChecked", RuntimeTypes.FORWARD_CHECKED,
                        "input", "batch", "sequenceLength", "lengths", "state", "workspace", "output");
        Code.Local workspace = code.local("workspace");
        Code.Local state = code.local("state");
        StageEmitter stages = plan.stages() == null ? null : new StageEmitter(cls, plan);
        if (stages != null && !tokens) {
            stages.beforeDrivers(code);
        }
        boolean passLengths = plan.stages() == null || plan.stages().lengthsMaskRecurrence();
        for (LayerPlan layer : plan.layers()) {
            boolean gathered = tokens && layer.index() == 0;
            for (DirectionPlan direction : layer.directions()) {
                InputProjection pre = direction.inputProjection();
                if (gathered) {
                    // Stages.gatherRows(tokens, batch * sequenceLength, FOLDED, xz, G)
                    code.line();
                    code.load(code.local("tokens"));
                    code.load(code.local("batch"));
                    code.load(code.local("sequenceLength"));
                    code.insn(IMUL);
                    code.getStatic(cls.owner(), plan.stages().folded().fields().get(layer.directions().indexOf(direction)),
                            RuntimeTypes.FLOAT_ROWS);
                    buffer(code, pre.buffer(), null, workspace);
                    code.pushInt(plan.stages().folded().rows());
                    code.invokeStatic(StageEmitter.STAGES, "gatherRows", "([II[[F[FI)V");
                } else if (pre != null) {
                    // inputs(in, xz, batch * sequenceLength, scratch buffers...)
                    code.line();
                    buffer(code, layer.inputBuffer(), tokens ? null : code.local("input"), workspace);
                    buffer(code, pre.buffer(), null, workspace);
                    code.load(code.local("batch"));
                    code.load(code.local("sequenceLength"));
                    code.insn(IMUL);
                    for (int scratch : pre.scratch()) {
                        buffer(code, scratch, null, workspace);
                    }
                    code.invokeStatic(cls.owner(), pre.method(), ProductEmitter.prePassDescriptor(pre));
                }
                code.line();
                if (gathered) {
                    code.insn(ACONST_NULL); // the driver reads xz, not its input
                } else {
                    // a token call's later layers read workspace buffers (inputBuffer >= 0): no "input" local
                    buffer(code, layer.inputBuffer(), tokens ? null : code.local("input"), workspace);
                }
                buffer(code, layer.outputBuffer(), code.local("output"), workspace);
                code.load(code.local("batch"));
                code.load(code.local("sequenceLength"));
                if (passLengths) {
                    code.load(code.local("lengths"));
                } else {
                    code.insn(ACONST_NULL);
                }
                code.load(state);
                code.pushInt(direction.stateIndex());
                code.invokeVirtual(RuntimeTypes.STATE, "hidden", "(I)[F");
                code.load(state);
                code.pushInt(direction.stateIndex());
                code.invokeVirtual(RuntimeTypes.STATE, "cell", "(I)[F");
                for (int i = 0; i < 3; i++) {
                    buffer(code, i, null, workspace);
                }
                // the driver's xz: the pre-pass output, or a Vector API group's inputs (never both)
                if (direction.inputProjection() != null) {
                    buffer(code, direction.inputProjection().buffer(), null, workspace);
                } else if (direction.batchGroup() != null && direction.batchGroup().inputs() >= 0) {
                    buffer(code, direction.batchGroup().inputs(), null, workspace);
                } else {
                    code.insn(ACONST_NULL);
                }
                for (int q = 1; q < BatchGroup.MAX_SIZE; q++) {
                    if (direction.batchGroup() == null || q >= direction.batchGroup().size()) {
                        code.insn(ACONST_NULL);
                    } else {
                        buffer(code, direction.batchGroup().buffers().get(q - 1), null, workspace);
                    }
                }
                code.invokeStatic(cls.owner(), direction.method(), DriverEmitter.DESCRIPTOR);
            }
        }
        if (stages != null) {
            stages.afterDrivers(code);
        }
        code.insn(RETURN);
        code.finish();
    }

    /** The caller's array when {@code index < 0}, else {@code workspace.buffer(index)}. */
    static void buffer(Code code, int index, Code.Local callers, Code.Local workspace) {
        if (index < 0) {
            code.load(callers);
        } else {
            code.load(workspace);
            code.pushInt(index);
            code.invokeVirtual(RuntimeTypes.WORKSPACE, "buffer", "(I)[F");
        }
    }

    /**
     * One step of every row: {@code forwardChecked(input, state.batch(), 1, null, state, workspace, output)}
     * when streamable (with one step both layouts index alike), else an UnsupportedOperationException.
     */
    void stepChecked() {
        Code code = cls.method(ACC_PROTECTED, "stepChecked", RuntimeTypes.STEP_CHECKED,
                "input", "state", "workspace", "output");
        code.line();
        if (plan.streamable()) {
            code.load(code.local("this"));
            code.load(code.local("input"));
            code.load(code.local("state"));
            code.invokeVirtual(RuntimeTypes.STATE, "batch", "()I");
            code.pushInt(1);
            code.insn(ACONST_NULL);
            code.load(code.local("state"));
            code.load(code.local("workspace"));
            code.load(code.local("output"));
            code.invokeVirtual(cls.owner(), "forwardChecked", RuntimeTypes.FORWARD_CHECKED);
            code.insn(RETURN);
        } else {
            code.mv().visitTypeInsn(NEW, RuntimeTypes.UNSUPPORTED_OPERATION);
            code.insn(DUP);
            code.pushString(plan.stages() != null && plan.stages().reducesTime()
                    ? "step needs a network without a reverse direction whose reduction over time can be read after"
                            + " each step"
                    : "step needs a network without a reverse direction");
            code.mv().visitMethodInsn(INVOKESPECIAL, RuntimeTypes.UNSUPPORTED_OPERATION, "<init>",
                    "(Ljava/lang/String;)V", false);
            code.insn(ATHROW);
        }
        code.finish();
    }
}
