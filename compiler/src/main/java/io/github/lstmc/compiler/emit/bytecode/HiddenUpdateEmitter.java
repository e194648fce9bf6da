package io.github.lstmc.compiler.emit.bytecode;

import static org.objectweb.asm.Opcodes.*;

import io.github.lstmc.compiler.model.CellKind;
import io.github.lstmc.compiler.plan.ActivationCall;
import io.github.lstmc.compiler.plan.HiddenUpdate;
import org.objectweb.asm.Type;

/**
 * Renders a {@link HiddenUpdate} (GRU, RNN) with {@link CellUpdateEmitter#DESCRIPTOR}'s signature
 * {@code (float[] z, float[] a, int aOff, float[] out, int outOff)}, statement by statement as its
 * Javadoc lists them, so that its float operations are the source back end's.
 */
final class HiddenUpdateEmitter {
    private final ClassContext cls;

    HiddenUpdateEmitter(ClassContext cls) {
        this.cls = cls;
    }

    void emit(HiddenUpdate u) {
        int h = u.hiddenSize();
        if (u.kind() == CellKind.RNN) {
            Code code = method(u.updateMethod());
            // for j < H: float zx = z[j]; [clamp] out[outOff + j] = f(zx);
            code.forLoop("j", 0, h, j -> activated(code, u, "zx", () -> element(code, "z", null, 0, j),
                    () -> index(code, "out", "outOff", 0, j), u.gate()));
            finish(code);
            return;
        }
        Code gates = method(u.gatesMethod());
        // for j < 2H: float zx = z[j]; [clamp] z[j] = f(zx);
        gates.forLoop("j", 0, 2 * h, j -> activated(gates, u, "zx", () -> element(gates, "z", null, 0, j),
                () -> index(gates, "z", null, 0, j), u.gate()));
        if (!u.linearBeforeReset()) {
            // for j < H: out[outOff + j] = z[H + j] * a[aOff + j];
            gates.forLoop("j", 0, h, j -> {
                gates.line();
                index(gates, "out", "outOff", 0, j);
                element(gates, "z", null, h, j);
                element(gates, "a", "aOff", 0, j);
                gates.insn(FMUL);
                gates.insn(FASTORE);
            });
        }
        finish(gates);

        Code update = method(u.updateMethod());
        // for j < H: float zn = z[2H + j] + (z[H + j] *) a[aOff + j]; [clamp] z[2H + j] = g(zn);
        update.forLoop("j", 0, h, j -> activated(update, u, "zn", () -> {
            element(update, "z", null, 2 * h, j);
            if (u.linearBeforeReset()) {
                element(update, "z", null, h, j);
                element(update, "a", "aOff", 0, j);
                update.insn(FMUL);
            } else {
                element(update, "a", "aOff", 0, j);
            }
            update.insn(FADD);
        }, () -> index(update, "z", null, 2 * h, j), u.candidate()));
        // for j < H: float u = z[j]; float hp = out[outOff + j]; out[outOff + j] = (1f - u) * z[2H + j] + u * hp;
        update.forLoop("j", 0, h, j -> {
            update.line();
            element(update, "z", null, 0, j);
            Code.Local gate = update.storeNew("u", Type.FLOAT_TYPE);
            update.line();
            element(update, "out", "outOff", 0, j);
            Code.Local previous = update.storeNew("hp", Type.FLOAT_TYPE);
            update.line();
            index(update, "out", "outOff", 0, j);
            update.pushFloat(1f);
            update.load(gate);
            update.insn(FSUB);
            element(update, "z", null, 2 * h, j);
            update.insn(FMUL);
            update.load(gate);
            update.load(previous);
            update.insn(FMUL);
            update.insn(FADD);
            update.insn(FASTORE);
        });
        finish(update);
    }

    private Code method(String name) {
        return cls.helper(name, CellUpdateEmitter.DESCRIPTOR, "z", "a", "aOff", "out", "outOff");
    }

    private static void finish(Code code) {
        code.insn(RETURN);
        code.finish();
    }

    /** {@code float name = value; [name = clamp(name, clip);] target = act(name);}. */
    private static void activated(Code code, HiddenUpdate u, String name, Code.Bound value, Code.Bound target,
                                  ActivationCall activation) {
        code.line();
        value.push();
        Code.Local pre = code.storeNew(name, Type.FLOAT_TYPE);
        if (u.hasPreActivationClip()) {
            code.line();
            code.load(pre);
            code.pushFloat(u.preActivationClip());
            code.invokeStatic(RuntimeTypes.ACTIVATIONS, "clamp", RuntimeTypes.CLAMP);
            code.store(pre);
        }
        code.line();
        target.push();
        code.load(pre);
        CellUpdateEmitter.activation(code, activation);
        code.insn(FASTORE);
    }

    /** Pushes {@code array} and {@code [offset +] base + j}. */
    private static void index(Code code, String array, String offset, int base, Code.Local j) {
        code.load(code.local(array));
        if (offset != null) {
            code.load(code.local(offset));
        }
        if (base != 0) {
            code.pushInt(base);
            if (offset != null) {
                code.insn(IADD);
            }
        }
        code.load(j);
        if (offset != null || base != 0) {
            code.insn(IADD);
        }
    }

    /** Pushes {@code array[[offset +] base + j]}. */
    private static void element(Code code, String array, String offset, int base, Code.Local j) {
        index(code, array, offset, base, j);
        code.insn(FALOAD);
    }
}
