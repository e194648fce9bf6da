package io.github.lstmc.compiler.emit.bytecode;

import static org.objectweb.asm.Opcodes.*;

import io.github.lstmc.compiler.model.CellKind;
import io.github.lstmc.compiler.plan.ActivationCall;
import io.github.lstmc.compiler.plan.CellUpdate;
import io.github.lstmc.compiler.plan.HiddenUpdate;
import org.objectweb.asm.Type;

/**
 * Renders a {@link HiddenUpdate} (GRU, RNN) with {@link CellUpdateEmitter#DESCRIPTOR}'s signature
 * {@code (float[] z, float[] a, int aOff, float[] out, int outOff)}, statement by statement as its
 * Javadoc lists them (scalar and, when vectorized, Vector API passes), so that its float operations are
 * the source back end's.
 */
final class HiddenUpdateEmitter {
    private final ClassContext cls;

    HiddenUpdateEmitter(ClassContext cls) {
        this.cls = cls;
    }

    /** An element of a method parameter array: {@code array[[offset +] base + j]}. */
    private record At(String array, String offset, int base) {
    }

    void emit(HiddenUpdate u) {
        int h = u.hiddenSize();
        At z0 = new At("z", null, 0);
        At zr = new At("z", null, h);
        At zn = new At("z", null, 2 * h);
        At a = new At("a", "aOff", 0);
        At out = new At("out", "outOff", 0);
        if (u.kind() == CellKind.RNN) {
            Code code = method(u.updateMethod());
            // for j < H: float zx = z[j]; [clamp] out[outOff + j] = f(zx);
            pass(code, u, h, j -> activated(code, u, j, "zx", () -> vector(code, z0, j), out, u.gate(), true),
                    j -> activated(code, u, j, "zx", () -> element(code, z0, j), out, u.gate(), false));
            finish(code);
            return;
        }
        Code gates = method(u.gatesMethod());
        // for j < 2H: float zx = z[j]; [clamp] z[j] = f(zx);
        pass(gates, u, 2 * h, j -> activated(gates, u, j, "zx", () -> vector(gates, z0, j), z0, u.gate(), true),
                j -> activated(gates, u, j, "zx", () -> element(gates, z0, j), z0, u.gate(), false));
        if (!u.linearBeforeReset()) {
            // for j < H: out[outOff + j] = z[H + j] * a[aOff + j];
            pass(gates, u, h, j -> {
                gates.line();
                vector(gates, zr, j);
                vector(gates, a, j);
                gates.invokeVirtual(VectorTypes.FLOAT_VECTOR, "mul", VectorTypes.BINARY);
                index(gates, out, j);
                gates.invokeVirtual(VectorTypes.FLOAT_VECTOR, "intoArray", VectorTypes.INTO_ARRAY);
            }, j -> {
                gates.line();
                index(gates, out, j);
                element(gates, zr, j);
                element(gates, a, j);
                gates.insn(FMUL);
                gates.insn(FASTORE);
            });
        }
        finish(gates);

        Code update = method(u.updateMethod());
        // for j < H: float zn = z[2H + j] + (z[H + j] *) a[aOff + j]; [clamp] z[2H + j] = g(zn);
        pass(update, u, h, j -> activated(update, u, j, "zn", () -> {
            vector(update, zn, j);
            if (u.linearBeforeReset()) {
                vector(update, zr, j);
                vector(update, a, j);
                update.invokeVirtual(VectorTypes.FLOAT_VECTOR, "mul", VectorTypes.BINARY);
            } else {
                vector(update, a, j);
            }
            update.invokeVirtual(VectorTypes.FLOAT_VECTOR, "add", VectorTypes.BINARY);
        }, zn, u.candidate(), true), j -> activated(update, u, j, "zn", () -> {
            element(update, zn, j);
            if (u.linearBeforeReset()) {
                element(update, zr, j);
                element(update, a, j);
                update.insn(FMUL);
            } else {
                element(update, a, j);
            }
            update.insn(FADD);
        }, zn, u.candidate(), false));
        // for j < H: float u = z[j]; float hp = out[outOff + j]; out[outOff + j] = (1f - u) * z[2H + j] + u * hp;
        pass(update, u, h, j -> {
            update.line();
            vector(update, z0, j);
            Code.Local gate = update.storeNew("u", VectorTypes.FLOAT_VECTOR_TYPE);
            update.line();
            vector(update, out, j);
            Code.Local previous = update.storeNew("hp", VectorTypes.FLOAT_VECTOR_TYPE);
            update.line();
            VectorTypes.species(update);
            update.pushFloat(1f);
            update.invokeStatic(VectorTypes.FLOAT_VECTOR, "broadcast", VectorTypes.BROADCAST);
            update.load(gate);
            update.invokeVirtual(VectorTypes.FLOAT_VECTOR, "sub", VectorTypes.BINARY);
            vector(update, zn, j);
            update.invokeVirtual(VectorTypes.FLOAT_VECTOR, "mul", VectorTypes.BINARY);
            update.load(gate);
            update.load(previous);
            update.invokeVirtual(VectorTypes.FLOAT_VECTOR, "mul", VectorTypes.BINARY);
            update.invokeVirtual(VectorTypes.FLOAT_VECTOR, "add", VectorTypes.BINARY);
            index(update, out, j);
            update.invokeVirtual(VectorTypes.FLOAT_VECTOR, "intoArray", VectorTypes.INTO_ARRAY);
        }, j -> {
            update.line();
            element(update, z0, j);
            Code.Local gate = update.storeNew("u", Type.FLOAT_TYPE);
            update.line();
            element(update, out, j);
            Code.Local previous = update.storeNew("hp", Type.FLOAT_TYPE);
            update.line();
            index(update, out, j);
            update.pushFloat(1f);
            update.load(gate);
            update.insn(FSUB);
            element(update, zn, j);
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

    /** A pass over {@code j < n}: vector loops when vectorized, then scalar ({@link VectorTypes#pass}). */
    private static void pass(Code code, HiddenUpdate u, int n, Code.Body vector, Code.Body scalar) {
        VectorTypes.pass(code, u.vectorized(), n, vector, scalar);
    }

    /** {@code name = value; [name = clamp(name, clip);] target = act(name);}, on a vector of lanes or one element. */
    private static void activated(Code code, HiddenUpdate u, Code.Local j, String name, Code.Bound value, At target,
                                  ActivationCall activation, boolean vector) {
        code.line();
        value.push();
        Code.Local pre = code.storeNew(name, vector ? VectorTypes.FLOAT_VECTOR_TYPE : Type.FLOAT_TYPE);
        if (u.hasPreActivationClip()) {
            code.line();
            code.load(pre);
            if (vector) {
                CellUpdateEmitter.vectorClamp(code, u.preActivationClip());
            } else {
                code.pushFloat(u.preActivationClip());
                code.invokeStatic(RuntimeTypes.ACTIVATIONS, "clamp", RuntimeTypes.CLAMP);
            }
            code.store(pre);
        }
        if (vector) {
            Code.Bound result = CellUpdateEmitter.vectorActivation(code, activation, pre);
            code.line();
            result.push();
            index(code, target, j);
            code.invokeVirtual(VectorTypes.FLOAT_VECTOR, "intoArray", VectorTypes.INTO_ARRAY);
        } else {
            code.line();
            index(code, target, j);
            code.load(pre);
            CellUpdateEmitter.activation(code, activation);
            code.insn(FASTORE);
        }
    }

    /** Pushes the array and {@code [offset +] base + j}. */
    private static void index(Code code, At at, Code.Local j) {
        code.load(code.local(at.array()));
        if (at.offset() != null) {
            code.load(code.local(at.offset()));
        }
        if (at.base() != 0) {
            code.pushInt(at.base());
            if (at.offset() != null) {
                code.insn(IADD);
            }
        }
        code.load(j);
        if (at.offset() != null || at.base() != 0) {
            code.insn(IADD);
        }
    }

    /** Pushes {@code array[[offset +] base + j]}. */
    private static void element(Code code, At at, Code.Local j) {
        index(code, at, j);
        code.insn(FALOAD);
    }

    /** Pushes {@code FloatVector.fromArray(SPECIES_PREFERRED, array, [offset +] base + j)}. */
    private static void vector(Code code, At at, Code.Local j) {
        VectorTypes.species(code);
        index(code, at, j);
        code.invokeStatic(VectorTypes.FLOAT_VECTOR, "fromArray", VectorTypes.FROM_ARRAY);
    }
}
