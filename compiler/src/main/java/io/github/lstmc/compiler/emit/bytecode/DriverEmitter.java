package io.github.lstmc.compiler.emit.bytecode;

import static org.objectweb.asm.Opcodes.*;

import io.github.lstmc.compiler.model.CellKind;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.plan.BatchGroup;
import io.github.lstmc.compiler.plan.DirectionPlan;
import io.github.lstmc.compiler.plan.HiddenUpdate;
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
    /** {@code (in, out, batch, steps, lengths, h, c, z, hraw, pz, xz, z1, ..., z(MAX_SIZE-1))}. */
    static final String DESCRIPTOR = "([F[FII[I[F[F[F[F[F[F" + "[F".repeat(BatchGroup.MAX_SIZE - 1) + ")V";
    static final String[] PARAMETERS = parameters();

    private static String[] parameters() {
        java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of("in", "out", "batch", "steps",
                "lengths", "h", "c", "z", "hraw", "pz", "xz"));
        for (int q = 1; q < BatchGroup.MAX_SIZE; q++) {
            names.add("z" + q);
        }
        return names.toArray(new String[0]);
    }

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
        BatchGroup group = plan.batchGroup();
        Code.Local firstRow = null;
        if (group != null) {
            firstRow = groups(code, plan, group);
        }
        Code.Local first = firstRow;
        code.forLoop("b", () -> {
            if (first == null) {
                code.pushInt(0);
            } else {
                code.load(first);
            }
        }, () -> code.load(code.local("batch")), b -> {
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
            Code.Local cOff = cellOffset(code, plan, b);
            // if (len == 0) { zero h and c of this row }
            code.line();
            Label running = new Label();
            code.load(len);
            code.mv().visitJumpInsn(IFNE, running);
            fill(code, h, hOff, stateSize);
            if (cOff != null) {
                fill(code, c, cOff, hiddenSize);
            }
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
                rowTail(code, plan, code.local("z"), hOff, cOff, outOff);
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

    /**
     * {@link BatchGroup}: {@code int g = 0; if (lengths == null && steps > 0) for (; g + size <= batch;
     * g += size) for n < steps: grouped gates, then each row's step}. Returns {@code g}, where the
     * per-row loop starts.
     */
    private Code.Local groups(Code code, DirectionPlan plan, BatchGroup group) {
        int size = group.size();
        code.line();
        code.pushInt(0);
        Code.Local g = code.storeNewInt("g");
        Code.Local steps = code.local("steps");
        Label done = new Label();
        Label test = new Label();
        code.load(code.local("lengths"));
        code.mv().visitJumpInsn(IFNONNULL, done);
        code.load(steps);
        code.mv().visitJumpInsn(IFLE, done);
        code.mv().visitLabel(test);
        code.load(g);
        code.pushInt(size);
        code.insn(IADD);
        code.load(code.local("batch"));
        code.mv().visitJumpInsn(IF_ICMPGT, done);
        code.forLoop("n", 0, () -> code.load(steps), n -> {
            code.line();
            if (plan.direction() == Direction.FORWARD) {
                code.load(n);
            } else {
                code.load(steps);
                code.pushInt(1);
                code.insn(ISUB);
                code.load(n);
                code.insn(ISUB);
            }
            Code.Local t = code.storeNewInt("t");
            Code.Local[] rows = new Code.Local[size];
            for (int q = 0; q < size; q++) {
                code.load(g);
                if (q > 0) {
                    code.pushInt(q);
                    code.insn(IADD);
                }
                rows[q] = code.storeNewInt("b" + q);
            }
            // grouped(vec, off0..off(size-1) per operand, z, z1, ...)
            code.line();
            for (Operand operand : plan.gates().operands()) {
                code.load(code.local(operand == Operand.INPUT ? "in" : "h"));
                for (int q = 0; q < size; q++) {
                    if (operand == Operand.INPUT) {
                        position(code, rows[q], t, steps);
                        code.pushInt(plan.inputWidth());
                    } else {
                        code.load(rows[q]);
                        code.pushInt(plan.stateSize());
                    }
                    code.insn(IMUL);
                }
            }
            for (int q = 0; q < size; q++) {
                code.load(code.local(q == 0 ? "z" : "z" + q));
            }
            if (group.inputs() >= 0) {
                code.load(code.local("xz"));
            }
            code.invokeStatic(cls.owner(), group.method(), ProductEmitter.groupedDescriptor(plan.gates().operands(),
                    group));
            for (int q = 0; q < size; q++) {
                int mark = code.scope();
                code.line();
                code.load(rows[q]);
                code.pushInt(plan.stateSize());
                code.insn(IMUL);
                Code.Local hOff = code.storeNewInt("hOff");
                Code.Local cOff = cellOffset(code, plan, rows[q]);
                position(code, rows[q], t, steps);
                Code.Local pos = code.storeNewInt("pos");
                outputOffset(code, plan, pos);
                Code.Local outOff = code.storeNewInt("outOff");
                rowTail(code, plan, code.local(q == 0 ? "z" : "z" + q), hOff, cOff, outOff);
                code.close(mark);
            }
        });
        code.increment(g, size);
        code.mv().visitJumpInsn(GOTO, test);
        code.mv().visitLabel(done);
        return g;
    }

    /** {@code int cOff = b * H}; null (no local) for a direction without cell state. */
    private static Code.Local cellOffset(Code code, DirectionPlan plan, Code.Local b) {
        if (plan.cellSize() == 0) {
            return null;
        }
        code.load(b);
        code.pushInt(plan.hiddenSize());
        code.insn(IMUL);
        return code.storeNewInt("cOff");
    }

    /** The step after the gates: cell update (and projection) from {@code z} into the row's state, then out. */
    private void rowTail(Code code, DirectionPlan plan, Code.Local z, Code.Local hOff, Code.Local cOff,
                         Code.Local outOff) {
        Code.Local h = code.local("h");
        Code.Local c = code.local("c");
        Code.Local out = code.local("out");
        int stateSize = plan.stateSize();
        if (plan.hiddenUpdate() != null) {
            hiddenTail(code, plan, z, hOff);
            copyOut(code, hOff, outOff, stateSize);
            return;
        }
        code.line();
        code.load(z);
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
        copyOut(code, hOff, outOff, stateSize);
    }

    /** {@code System.arraycopy(h, hOff, out, outOff, S);}. */
    private static void copyOut(Code code, Code.Local hOff, Code.Local outOff, int stateSize) {
        code.line();
        code.load(code.local("h"));
        code.load(hOff);
        code.load(code.local("out"));
        code.load(outOff);
        code.pushInt(stateSize);
        code.invokeStatic(RuntimeTypes.SYSTEM, "arraycopy", RuntimeTypes.ARRAYCOPY);
    }

    /**
     * A GRU's or RNN's step after the gates ({@link HiddenUpdate}): RNN {@code update(z, c, 0, h, hOff)};
     * GRU {@code gates(z, h, hOff, hraw, 0)}, the reset product into {@code pz}, {@code update(z, pz, 0, h, hOff)}.
     */
    private void hiddenTail(Code code, DirectionPlan plan, Code.Local z, Code.Local hOff) {
        HiddenUpdate u = plan.hiddenUpdate();
        Code.Local h = code.local("h");
        if (u.kind() == CellKind.RNN) {
            updateCall(code, u.updateMethod(), z, code.local("c"), null, h, hOff);
            return;
        }
        updateCall(code, u.gatesMethod(), z, h, hOff, code.local("hraw"), null);
        products.emitCalls(code, plan.resetProduct(), operand -> {
            if (u.linearBeforeReset()) {
                code.load(h);
                code.load(hOff);
            } else {
                code.load(code.local("hraw"));
                code.pushInt(0);
            }
        }, () -> code.load(code.local("pz")));
        updateCall(code, u.updateMethod(), z, code.local("pz"), null, h, hOff);
    }

    /** {@code method(z, a, aOff, out, outOff)}, a null offset passing 0. */
    private void updateCall(Code code, String method, Code.Local z, Code.Local a, Code.Local aOff, Code.Local out,
                            Code.Local outOff) {
        code.line();
        code.load(z);
        code.load(a);
        if (aOff == null) {
            code.pushInt(0);
        } else {
            code.load(aOff);
        }
        code.load(out);
        if (outOff == null) {
            code.pushInt(0);
        } else {
            code.load(outOff);
        }
        code.invokeStatic(cls.owner(), method, CellUpdateEmitter.DESCRIPTOR);
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
