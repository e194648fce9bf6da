package io.github.lstmc.compiler.emit.bytecode;

import static org.objectweb.asm.Opcodes.*;

import io.github.lstmc.compiler.plan.ActivationCall;
import io.github.lstmc.compiler.plan.CellUpdate;
import org.objectweb.asm.Type;

/**
 * Renders the elementwise part of a step ({@link CellUpdate}): one method
 * {@code (float[] z, float[] c, int cOff, float[] out, int outOff)} looping over {@code j < H},
 * statement by statement as {@link CellUpdate} lists them, each on its own line with its local
 * named as there ({@code cp, zi, i, zf, f, zg, g, cn, zo, o}).
 */
final class CellUpdateEmitter {
    static final String DESCRIPTOR = "([F[FI[FI)V";

    private final ClassContext cls;

    CellUpdateEmitter(ClassContext cls) {
        this.cls = cls;
    }

    void emit(CellUpdate cell) {
        Code code = cls.helper(cell.method(), DESCRIPTOR, "z", "c", "cOff", "out", "outOff");
        Code.Local c = code.local("c");
        Code.Local cOff = code.local("cOff");
        code.forLoop("j", 0, cell.hiddenSize(), j -> {
            // float cp = c[cOff + j];
            code.line();
            code.load(c);
            code.load(cOff);
            code.load(j);
            code.insn(IADD);
            code.insn(FALOAD);
            Code.Local cp = code.storeNew("cp", Type.FLOAT_TYPE);

            Code.Local i = gate(code, cell, j, "i", cell.slotInput(), cell.peepholeInput(), cp, cell.gate());
            Code.Local f;
            if (cell.coupled()) {
                // float f = 1f - i;
                code.line();
                code.pushFloat(1f);
                code.load(i);
                code.insn(FSUB);
                f = code.storeNew("f", Type.FLOAT_TYPE);
            } else {
                f = gate(code, cell, j, "f", cell.slotForget(), cell.peepholeForget(), cp, cell.gate());
            }
            Code.Local g = gate(code, cell, j, "g", cell.slotCell(), null, null, cell.cell());

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
            // c[cOff + j] = cn;
            code.line();
            code.load(c);
            code.load(cOff);
            code.load(j);
            code.insn(IADD);
            code.load(cn);
            code.insn(FASTORE);

            Code.Local o = gate(code, cell, j, "o", cell.slotOutput(), cell.peepholeOutput(), cn, cell.gate());
            // out[outOff + j] = o * hidden(cn);
            code.line();
            code.load(code.local("out"));
            code.load(code.local("outOff"));
            code.load(j);
            code.insn(IADD);
            code.load(o);
            code.load(cn);
            activation(code, cell.hidden());
            code.insn(FMUL);
            code.insn(FASTORE);
        });
        code.insn(RETURN);
        code.finish();
    }

    /**
     * One gate: {@code float zX = z[slot*H + j]; [zX = zX + P[j] * cell;] [zX = clamp(zX, preClip);]
     * float X = act(zX);} — the peephole reads {@code cell} (the previous cell for i and f, the new
     * one for o).
     */
    private Code.Local gate(Code code, CellUpdate cell, Code.Local j, String name, int slot, String peephole,
                            Code.Local peepholeCell, ActivationCall activation) {
        code.line();
        code.load(code.local("z"));
        int base = slot * cell.hiddenSize();
        code.load(j);
        if (base != 0) {
            code.pushInt(base);
            code.insn(IADD);
        }
        code.insn(FALOAD);
        Code.Local pre = code.storeNew("z" + name, Type.FLOAT_TYPE);
        if (peephole != null) {
            code.line();
            code.load(pre);
            code.getStatic(cls.owner(), peephole, RuntimeTypes.FLOATS);
            code.load(j);
            code.insn(FALOAD);
            code.load(peepholeCell);
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
        code.line();
        code.load(pre);
        activation(code, activation);
        return code.storeNew(name, Type.FLOAT_TYPE);
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
