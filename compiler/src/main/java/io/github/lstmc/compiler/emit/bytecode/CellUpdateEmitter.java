package io.github.lstmc.compiler.emit.bytecode;

import static org.objectweb.asm.Opcodes.*;

import io.github.lstmc.compiler.plan.ActivationCall;
import io.github.lstmc.compiler.plan.CellUpdate;
import org.objectweb.asm.Type;

/**
 * Renders the elementwise part of a step ({@link CellUpdate}): one method
 * {@code (float[] z, float[] c, int cOff, float[] out, int outOff)} working in place on {@code z}:
 * the previous cell copied in after the gates, one loop per activation (input, forget, cell gates),
 * a loop for the new cell, one for the output gate and one for the hidden vector, then the cell and
 * hidden vector copied out. Statement by statement as {@link CellUpdate} lists them, each on its own
 * line with its local named as there ({@code zi, zf, zg, cp, i, f, g, cn, zo}).
 */
final class CellUpdateEmitter {
    static final String DESCRIPTOR = "([F[FI[FI)V";

    private final ClassContext cls;

    CellUpdateEmitter(ClassContext cls) {
        this.cls = cls;
    }

    void emit(CellUpdate cell) {
        Code code = cls.helper(cell.method(), DESCRIPTOR, "z", "c", "cOff", "out", "outOff");
        Code.Local z = code.local("z");
        Code.Local c = code.local("c");
        Code.Local cOff = code.local("cOff");
        int h = cell.hiddenSize();
        int cellBase = cell.cellOffset();
        // System.arraycopy(c, cOff, z, C, H);
        code.line();
        code.load(c);
        code.load(cOff);
        code.load(z);
        code.pushInt(cellBase);
        code.pushInt(h);
        code.invokeStatic(RuntimeTypes.SYSTEM, "arraycopy", RuntimeTypes.ARRAYCOPY);
        // one loop per activation: z[slot*H + j] = act(zX) for the input, forget and cell gates
        int merged = cell.mergedGateBlocks();
        if (merged > 0) {
            // for (j < n*H): float zx = z[j]; [zx = clamp(zx, preClip);] z[j] = gate(zx);  (i, f, o at once)
            code.forLoop("j", 0, merged * h, j -> gate(code, cell, j, "zx", 0, null, null, cell.gate()));
        } else {
            code.forLoop("j", 0, h, j -> gate(code, cell, j, "zi", cell.slotInput(), cell.peepholeInput(),
                    () -> element(code, j, cellBase), cell.gate()));
            if (!cell.coupled()) {
                code.forLoop("j", 0, h, j -> gate(code, cell, j, "zf", cell.slotForget(), cell.peepholeForget(),
                        () -> element(code, j, cellBase), cell.gate()));
            }
        }
        code.forLoop("j", 0, h, j -> gate(code, cell, j, "zg", cell.slotCell(), null, null, cell.cell()));
        // the new cell
        code.forLoop("j", 0, h, j -> {
            code.line();
            element(code, j, cellBase);
            Code.Local cp = code.storeNew("cp", Type.FLOAT_TYPE);
            code.line();
            element(code, j, cell.slotInput() * h);
            Code.Local i = code.storeNew("i", Type.FLOAT_TYPE);
            code.line();
            if (cell.coupled()) {
                // float f = 1f - i;
                code.pushFloat(1f);
                code.load(i);
                code.insn(FSUB);
            } else {
                element(code, j, cell.slotForget() * h);
            }
            Code.Local f = code.storeNew("f", Type.FLOAT_TYPE);
            code.line();
            element(code, j, cell.slotCell() * h);
            Code.Local g = code.storeNew("g", Type.FLOAT_TYPE);

            // float cn = f * cp + i * g;  [cn = clamp(cn, cellClip);]
            code.line();
            code.load(f);
            code.load(cp);
            code.insn(FMUL);
            code.load(i);
            code.load(g);
            code.insn(FMUL);
            code.insn(FADD);
            if (cell.hasCellClip()) {
                clamp(code, cell.cellClip());
            }
            Code.Local cn = code.storeNew("cn", Type.FLOAT_TYPE);
            // z[C + j] = cn;
            code.line();
            index(code, j, cellBase);
            code.load(cn);
            code.insn(FASTORE);
        });
        // the output gate, its peephole reading the new cell
        if (merged == 0) {
            code.forLoop("j", 0, h, j -> gate(code, cell, j, "zo", cell.slotOutput(), cell.peepholeOutput(),
                    () -> element(code, j, cellBase), cell.gate()));
        }
        // z[O + j] = z[O + j] * hidden(z[C + j]);
        code.forLoop("j", 0, h, j -> {
            code.line();
            index(code, j, cell.slotOutput() * h);
            element(code, j, cell.slotOutput() * h);
            element(code, j, cellBase);
            activation(code, cell.hidden());
            code.insn(FMUL);
            code.insn(FASTORE);
        });
        // System.arraycopy(z, C, c, cOff, H); System.arraycopy(z, O, out, outOff, H);
        code.line();
        code.load(z);
        code.pushInt(cellBase);
        code.load(c);
        code.load(cOff);
        code.pushInt(h);
        code.invokeStatic(RuntimeTypes.SYSTEM, "arraycopy", RuntimeTypes.ARRAYCOPY);
        code.line();
        code.load(z);
        code.pushInt(cell.slotOutput() * h);
        code.load(code.local("out"));
        code.load(code.local("outOff"));
        code.pushInt(h);
        code.invokeStatic(RuntimeTypes.SYSTEM, "arraycopy", RuntimeTypes.ARRAYCOPY);
        code.insn(RETURN);
        code.finish();
    }

    /** Pushes {@code z} and {@code base + j}. */
    private static void index(Code code, Code.Local j, int base) {
        code.load(code.local("z"));
        if (base != 0) {
            code.pushInt(base);
            code.load(j);
            code.insn(IADD);
        } else {
            code.load(j);
        }
    }

    /** Pushes {@code z[base + j]}. */
    private static void element(Code code, Code.Local j, int base) {
        index(code, j, base);
        code.insn(FALOAD);
    }

    /**
     * One gate of pass 1: {@code float zX = z[slot*H + j]; [zX = zX + P[j] * cell;]
     * [zX = clamp(zX, preClip);] z[slot*H + j] = act(zX);} — the peephole reads the previous cell.
     */
    private void gate(Code code, CellUpdate cell, Code.Local j, String name, int slot, String peephole,
                      Code.Bound peepholeCell, ActivationCall activation) {
        int base = slot * cell.hiddenSize();
        code.line();
        element(code, j, base);
        Code.Local pre = code.storeNew(name, Type.FLOAT_TYPE);
        peepholeAndClip(code, cell, j, pre, peephole, peepholeCell);
        code.line();
        index(code, j, base);
        code.load(pre);
        activation(code, activation);
        code.insn(FASTORE);
    }

    /** {@code [pre = pre + P[j] * cell;] [pre = clamp(pre, preClip);]}. */
    private void peepholeAndClip(Code code, CellUpdate cell, Code.Local j, Code.Local pre, String peephole,
                                 Code.Bound peepholeCell) {
        if (peephole != null) {
            code.line();
            code.load(pre);
            code.getStatic(cls.owner(), peephole, RuntimeTypes.FLOATS);
            code.load(j);
            code.insn(FALOAD);
            peepholeCell.push();
            code.insn(FMUL);
            code.insn(FADD);
            code.store(pre);
        }
        if (cell.hasPreActivationClip()) {
            code.line();
            code.load(pre);
            clamp(code, cell.preActivationClip());
            code.store(pre);
        }
    }

    /** {@code Activations.clamp(top, limit)}. */
    private static void clamp(Code code, float limit) {
        code.pushFloat(limit);
        code.invokeStatic(RuntimeTypes.ACTIVATIONS, "clamp", RuntimeTypes.CLAMP);
    }

    /** Applies an activation to the float on top of the stack; the identity emits nothing. */
    static void activation(Code code, ActivationCall call) {
        if (call.isIdentity()) {
            return;
        }
        for (float argument : call.arguments()) {
            code.pushFloat(argument);
        }
        code.invokeStatic(RuntimeTypes.ACTIVATIONS, call.method(), RuntimeTypes.activationDescriptor(call));
    }
}
