package io.github.lstmc.compiler.emit.bytecode;

import static org.objectweb.asm.Opcodes.*;

import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.plan.DirectionPlan;
import io.github.lstmc.compiler.plan.InputProjection;
import io.github.lstmc.compiler.plan.Operand;
import io.github.lstmc.runtime.Layout;
import org.objectweb.asm.Label;

/**
 * Renders a {@link DirectionPlan}: the driver that walks every batch row through the sequence,
 * honouring per-row lengths (a reverse direction starts at {@code len-1}; steps at and after
 * {@code len} output zeros; {@code len = 0} zeroes the state), and calls the products and the cell
 * update in the plan's order. With an {@link InputProjection}, the input part of the gates is
 * computed for all positions before the batch loop, and each step only adds the recurrent part.
 */
final class DriverEmitter {
    /** {@code (in, out, batch, steps, lengths, h, c, z, hraw, pz, xz)}. */
    static final String DESCRIPTOR = "([F[FII[I[F[F[F[F[F[F)V";
    static final String[] PARAMETERS = {"in", "out", "batch", "steps", "lengths", "h", "c", "z", "hraw", "pz", "xz"};

    private final ClassContext cls;
    private final ProductEmitter products;
    private final Layout layout;

    DriverEmitter(ClassContext cls, ProductEmitter products, Layout layout) {
        this.cls = cls;
        this.products = products;
        this.layout = layout;
    }

    void emit(DirectionPlan plan) {
        Code code = cls.helper(plan.method(), DESCRIPTOR, PARAMETERS);
        Code.Local in = code.local("in");
        Code.Local out = code.local("out");
        Code.Local steps = code.local("steps");
        Code.Local lengths = code.local("lengths");
        Code.Local h = code.local("h");
        Code.Local c = code.local("c");
        int stateSize = plan.stateSize();
        int hiddenSize = plan.hiddenSize();
        InputProjection pre = plan.inputProjection();
        code.forLoop("b", 0, () -> code.load(code.local("batch")), b -> {
            // int len = lengths == null ? steps : lengths[b];
            code.line();
            Label given = new Label();
            Label known = new Label();
            code.load(lengths);
            code.mv().visitJumpInsn(IFNONNULL, given);
            code.load(steps);
            code.mv().visitJumpInsn(GOTO, known);
            code.mv().visitLabel(given);
            code.load(lengths);
            code.load(b);
            code.insn(IALOAD);
            code.mv().visitLabel(known);
            Code.Local len = code.storeNewInt("len");
            // int hOff = b * S; int cOff = b * H;
            code.line();
            code.load(b);
            code.pushInt(stateSize);
            code.insn(IMUL);
            Code.Local hOff = code.storeNewInt("hOff");
            code.load(b);
            code.pushInt(hiddenSize);
            code.insn(IMUL);
            Code.Local cOff = code.storeNewInt("cOff");
            // if (len == 0) { zero h and c of this row }
            code.line();
            Label running = new Label();
            code.load(len);
            code.mv().visitJumpInsn(IFNE, running);
            fill(code, h, hOff, stateSize);
            fill(code, c, cOff, hiddenSize);
            code.mv().visitLabel(running);

            code.forLoop("n", 0, () -> code.load(len), n -> {
                // int t = n  or  len - 1 - n;
                code.line();
                if (plan.direction() == Direction.FORWARD) {
                    code.load(n);
                } else {
                    code.load(len);
                    code.pushInt(1);
                    code.insn(ISUB);
                    code.load(n);
                    code.insn(ISUB);
                }
                Code.Local t = code.storeNewInt("t");
                // int pos = pos(b, t); int inOff = pos * inputWidth; int outOff = pos * outputWidth + outputOffset;
                code.line();
                position(code, b, t, steps);
                Code.Local pos = code.storeNewInt("pos");
                code.load(pos);
                code.pushInt(plan.inputWidth());
                code.insn(IMUL);
                Code.Local inOff = code.storeNewInt("inOff");
                outputOffset(code, plan, pos);
                Code.Local outOff = code.storeNewInt("outOff");

                if (pre == null) {
                    products.emitCalls(code, plan.gates(), operand -> {
                        if (operand == Operand.INPUT) {
                            code.load(in);
                            code.load(inOff);
                        } else {
                            code.load(h);
                            code.load(hOff);
                        }
                    }, () -> code.load(code.local("z")));
                } else {
                    // System.arraycopy(xz, pos * G, z, 0, G); recurrent(h, hOff, z);
                    code.line();
                    code.load(code.local("xz"));
                    code.load(pos);
                    code.pushInt(pre.rows());
                    code.insn(IMUL);
                    code.load(code.local("z"));
                    code.pushInt(0);
                    code.pushInt(pre.rows());
                    code.invokeStatic(RuntimeTypes.SYSTEM, "arraycopy", RuntimeTypes.ARRAYCOPY);
                    code.line();
                    code.load(h);
                    code.load(hOff);
                    code.load(code.local("z"));
                    code.invokeStatic(cls.owner(), pre.recurrentMethod(), ProductEmitter.RECURRENT_DESCRIPTOR);
                }
                code.line();
                code.load(code.local("z"));
                code.load(c);
                code.load(cOff);
                if (plan.projection() == null) {
                    code.load(h);
                    code.load(hOff);
                } else {
                    code.load(code.local("hraw"));
                    code.pushInt(0);
                }
                code.invokeStatic(cls.owner(), plan.cell().method(), CellUpdateEmitter.DESCRIPTOR);
                if (plan.projection() != null) {
                    products.emitCalls(code, plan.projection(), operand -> {
                        code.load(code.local("hraw"));
                        code.pushInt(0);
                    }, () -> code.load(code.local("pz")));
                    // System.arraycopy(pz, 0, h, hOff, S);
                    code.line();
                    code.load(code.local("pz"));
                    code.pushInt(0);
                    code.load(h);
                    code.load(hOff);
                    code.pushInt(stateSize);
                    code.invokeStatic(RuntimeTypes.SYSTEM, "arraycopy", RuntimeTypes.ARRAYCOPY);
                }
                // System.arraycopy(h, hOff, out, outOff, S);
                code.line();
                code.load(h);
                code.load(hOff);
                code.load(out);
                code.load(outOff);
                code.pushInt(stateSize);
                code.invokeStatic(RuntimeTypes.SYSTEM, "arraycopy", RuntimeTypes.ARRAYCOPY);
            });
            // for (int t = len; t < steps; t++) zero this direction's features of out at (b, t)
            code.forLoop("t", () -> code.load(len), () -> code.load(steps), t -> {
                code.line();
                position(code, b, t, steps);
                Code.Local pos = code.storeNewInt("pos");
                outputOffset(code, plan, pos);
                Code.Local outOff = code.storeNewInt("outOff");
                fill(code, out, outOff, stateSize);
            });
        });
        code.insn(RETURN);
        code.finish();
    }

    /** {@code pos(b, t)}: {@code b*steps + t} batch-first, {@code t*batch + b} sequence-first. */
    private void position(Code code, Code.Local b, Code.Local t, Code.Local steps) {
        if (layout == Layout.BATCH_FIRST) {
            code.load(b);
            code.load(steps);
            code.insn(IMUL);
            code.load(t);
        } else {
            code.load(t);
            code.load(code.local("batch"));
            code.insn(IMUL);
            code.load(b);
        }
        code.insn(IADD);
    }

    /** {@code pos * outputWidth + outputOffset}. */
    private static void outputOffset(Code code, DirectionPlan plan, Code.Local pos) {
        code.load(pos);
        code.pushInt(plan.outputWidth());
        code.insn(IMUL);
        if (plan.outputOffset() != 0) {
            code.pushInt(plan.outputOffset());
            code.insn(IADD);
        }
    }

    /** {@code Arrays.fill(array, from, from + count, 0f)}. */
    private static void fill(Code code, Code.Local array, Code.Local from, int count) {
        code.load(array);
        code.load(from);
        code.load(from);
        code.pushInt(count);
        code.insn(IADD);
        code.pushFloat(0f);
        code.invokeStatic(RuntimeTypes.ARRAYS, "fill", RuntimeTypes.FILL_RANGE);
    }
}
