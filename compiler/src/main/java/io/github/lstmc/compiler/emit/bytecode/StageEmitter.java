package io.github.lstmc.compiler.emit.bytecode;

import static org.objectweb.asm.Opcodes.*;

import io.github.lstmc.compiler.model.TimeReduction;
import io.github.lstmc.compiler.plan.HeadPlan;
import io.github.lstmc.compiler.plan.NetworkStages;
import io.github.lstmc.compiler.plan.Plan;
import io.github.lstmc.runtime.Layout;

/**
 * Renders the {@link NetworkStages} of a whole network, instruction for instruction what the
 * source back end's {@code StageRenderer} writes: the statements {@code forwardChecked} runs before
 * and after the drivers, the token accessors and the head method (its products through
 * {@link ProductEmitter}).
 */
final class StageEmitter {
    static final String STAGES = "io/github/lstmc/runtime/Stages";
    /** head(float[] in, float[] out, int count, float[] a, float[] b). */
    static final String HEAD_DESCRIPTOR = "([F[FI[F[F)V";

    private final ClassContext cls;
    private final Plan plan;
    private final NetworkStages stages;

    StageEmitter(ClassContext cls, Plan plan) {
        this.cls = cls;
        this.plan = plan;
        this.stages = plan.stages();
    }

    /** {@code Stages.affine(input, batch * sequenceLength, I, SCALE, SHIFT, workspace.buffer(k))}. */
    void beforeDrivers(Code code) {
        if (stages.affineBuffer() < 0) {
            return;
        }
        code.line();
        code.load(code.local("input"));
        code.load(code.local("batch"));
        code.load(code.local("sequenceLength"));
        code.insn(IMUL);
        code.pushInt(plan.inputSize());
        code.getStatic(cls.owner(), stages.affineScaleField(), RuntimeTypes.FLOATS);
        code.getStatic(cls.owner(), stages.affineShiftField(), RuntimeTypes.FLOATS);
        bufferOrOutput(code, stages.affineBuffer());
        code.invokeStatic(STAGES, "affine", "([FII[F[F[F)V");
    }

    /** The reduction, then the head. */
    void afterDrivers(Code code) {
        int vectors = stages.recurrentBuffer();
        boolean perRow = false;
        if (stages.reducesTime()) {
            vectors = stages.reducedBuffer();
            perRow = true;
            code.line();
            if (stages.reduction() == TimeReduction.FINAL_STATE) {
                hidden(code, stages.finalStateIndex());
                if (stages.directions() == 2) {
                    hidden(code, stages.finalStateIndex() + 1);
                } else {
                    code.insn(ACONST_NULL);
                }
                code.load(code.local("batch"));
                code.pushInt(stages.stateSize());
                bufferOrOutput(code, vectors);
                code.invokeStatic(STAGES, "finalState", "([F[FII[F)V");
            } else {
                code.getStatic(STAGES, stages.reduceKind(), "I");
                bufferOrOutput(code, stages.recurrentBuffer());
                code.load(code.local("batch"));
                code.load(code.local("sequenceLength"));
                code.pushInt(stages.recurrentWidth());
                code.pushInt(plan.layout() == Layout.BATCH_FIRST ? 1 : 0);
                code.load(code.local("lengths"));
                bufferOrOutput(code, vectors);
                code.invokeStatic(STAGES, "reduce", "(I[FIIIZ[I[F)V");
            }
        }
        HeadPlan head = stages.head();
        if (head != null) {
            code.line();
            bufferOrOutput(code, vectors);
            code.load(code.local("output"));
            code.load(code.local("batch"));
            if (!perRow) {
                code.load(code.local("sequenceLength"));
                code.insn(IMUL);
            }
            bufferOrOutput(code, head.bufferA());
            bufferOrOutput(code, head.bufferB());
            code.invokeStatic(cls.owner(), head.method(), HEAD_DESCRIPTOR);
        }
    }

    private static void hidden(Code code, int index) {
        code.load(code.local("state"));
        code.pushInt(index);
        code.invokeVirtual(RuntimeTypes.STATE, "hidden", "(I)[F");
    }

    /** The caller's output when {@code index < 0}, else {@code workspace.buffer(index)}. */
    private static void bufferOrOutput(Code code, int index) {
        SkeletonEmitter.buffer(code, index, code.local("output"), code.local("workspace"));
    }

    /**
     * {@code vocabularySize()} and {@code embeddingTable()} of a token network, {@code newState} of a constant initial
     * state, {@code fixedLengths()} of constant lengths, {@code reducesTime()}.
     */
    void accessors() {
        if (stages.embeddingField() != null) {
            Code vocabulary = cls.method(ACC_PUBLIC, "vocabularySize", "()I");
            vocabulary.line();
            vocabulary.pushInt(stages.vocabularySize());
            vocabulary.insn(IRETURN);
            vocabulary.finish();
            Code table = cls.method(ACC_PROTECTED, "embeddingTable", "()[[F");
            table.line();
            table.getStatic(cls.owner(), stages.embeddingField(), RuntimeTypes.FLOAT_ROWS);
            table.insn(ARETURN);
            table.finish();
        }
        if (stages.hasInitialState()) {
            String stateType = "L" + RuntimeTypes.STATE + ";";
            Code code = cls.method(ACC_PUBLIC, "newState", "(I)" + stateType, "batch");
            code.line();
            code.load(code.local("this"));
            code.load(code.local("batch"));
            code.mv().visitMethodInsn(INVOKESPECIAL, RuntimeTypes.ABSTRACT_NETWORK, "newState", "(I)" + stateType, false);
            Code.Local state = code.storeNew("state", org.objectweb.asm.Type.getType(stateType));
            for (int k = 0; k < stages.initialHidden().size(); k++) {
                for (boolean hidden : new boolean[] {true, false}) {
                    String field = (hidden ? stages.initialHidden() : stages.initialCell()).get(k);
                    if (field == null) {
                        continue;
                    }
                    code.line();
                    code.load(state);
                    code.pushInt(k);
                    code.invokeVirtual(RuntimeTypes.STATE, hidden ? "hidden" : "cell", "(I)[F");
                    code.getStatic(cls.owner(), field, RuntimeTypes.FLOATS);
                    code.invokeStatic(STAGES, "broadcast", "([F[F)V");
                }
            }
            code.line();
            code.load(state);
            code.insn(ARETURN);
            code.finish();
        }
        if (stages.fixedLengths() != null) {
            fixedLengths(stages.fixedLengths());
        }
        if (stages.reducesTime()) {
            Code reduces = cls.method(ACC_PUBLIC, "reducesTime", "()Z");
            reduces.line();
            reduces.pushInt(1);
            reduces.insn(IRETURN);
            reduces.finish();
        }
    }

    /** {@code protected int[] fixedLengths() { return new int[] {...}; }}: the model's constant lengths. */
    private void fixedLengths(java.util.List<Integer> lengths) {
        Code code = cls.method(ACC_PROTECTED, "fixedLengths", "()[I");
        code.line();
        code.pushInt(lengths.size());
        code.mv().visitIntInsn(NEWARRAY, T_INT);
        for (int b = 0; b < lengths.size(); b++) {
            code.insn(DUP);
            code.pushInt(b);
            code.pushInt(lengths.get(b));
            code.insn(IASTORE);
        }
        code.insn(ARETURN);
        code.finish();
    }

    /** The head method, then its products' methods. */
    void head(ProductEmitter products) {
        HeadPlan head = stages.head();
        if (head == null) {
            return;
        }
        Code code = cls.helper(head.method(), HEAD_DESCRIPTOR, "in", "out", "count", "a", "b");
        code.forLoop("p", 0, () -> code.load(code.local("count")), p -> {
            code.line();
            code.load(p);
            code.pushInt(head.inputSize());
            code.insn(IMUL);
            code.storeNewInt("inOff");
            code.line();
            code.load(p);
            code.pushInt(head.outputSize());
            code.insn(IMUL);
            code.storeNewInt("outOff");
            for (HeadPlan.Step step : head.steps()) {
                step(code, step, products);
            }
        });
        code.insn(RETURN);
        code.finish();
        for (HeadPlan.Step step : head.steps()) {
            if (step instanceof HeadPlan.Product p) {
                products.emitMethods(p.product());
            }
        }
    }

    private void step(Code code, HeadPlan.Step step, ProductEmitter products) {
        if (step instanceof HeadPlan.Copy c) {
            code.line();
            array(code, c.from());
            offset(code, c.from());
            array(code, c.to());
            offset(code, c.to());
            code.pushInt(c.size());
            code.invokeStatic(RuntimeTypes.SYSTEM, "arraycopy", RuntimeTypes.ARRAYCOPY);
        } else if (step instanceof HeadPlan.Product p) {
            products.emitCalls(code, p.product(), operand -> {
                array(code, p.from());
                offset(code, p.from());
            }, () -> array(code, p.to()));
        } else if (step instanceof HeadPlan.Apply f) {
            code.line();
            code.forLoop("j", 0, f.size(), j -> {
                code.line();
                array(code, f.buffer());
                code.load(j);
                array(code, f.buffer());
                code.load(j);
                code.insn(FALOAD);
                CellUpdateEmitter.activation(code, f.call());
                code.insn(FASTORE);
            });
        } else if (step instanceof HeadPlan.PRelu p) {
            code.line();
            array(code, p.buffer());
            code.pushInt(p.size());
            code.getStatic(cls.owner(), p.slopeField(), RuntimeTypes.FLOATS);
            code.invokeStatic(STAGES, "prelu", "([FI[F)V");
        } else if (step instanceof HeadPlan.Softmax s) {
            code.line();
            array(code, s.buffer());
            code.pushInt(s.size());
            code.invokeStatic(STAGES, s.log() ? "logSoftmax" : "softmax", "([FI)V");
        }
    }

    private static void array(Code code, HeadPlan.Slot slot) {
        code.load(code.local(switch (slot) {
            case IN -> "in";
            case OUT -> "out";
            case A -> "a";
            case B -> "b";
        }));
    }

    private static void offset(Code code, HeadPlan.Slot slot) {
        switch (slot) {
            case IN -> code.load(code.local("inOff"));
            case OUT -> code.load(code.local("outOff"));
            case A, B -> code.pushInt(0);
        }
    }
}
