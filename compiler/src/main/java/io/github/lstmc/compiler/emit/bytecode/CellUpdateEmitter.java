package io.github.lstmc.compiler.emit.bytecode;

import static org.objectweb.asm.Opcodes.*;

import io.github.lstmc.compiler.plan.ActivationCall;
import io.github.lstmc.compiler.plan.CellUpdate;
import io.github.lstmc.runtime.Activations;
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
            pass(code, cell, merged * h,
                    j -> vectorGate(code, cell, j, "zx", 0, null, cell.gate()),
                    j -> gate(code, cell, j, "zx", 0, null, null, cell.gate()));
        } else {
            gatePass(code, cell, "zi", cell.slotInput(), cell.peepholeInput(), cell.gate());
            if (!cell.coupled()) {
                gatePass(code, cell, "zf", cell.slotForget(), cell.peepholeForget(), cell.gate());
            }
        }
        gatePass(code, cell, "zg", cell.slotCell(), null, cell.cell());
        // the new cell
        pass(code, cell, h, j -> vectorNewCell(code, cell, j), j -> {
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
            gatePass(code, cell, "zo", cell.slotOutput(), cell.peepholeOutput(), cell.gate());
        }
        // z[O + j] = z[O + j] * hidden(z[C + j]);
        pass(code, cell, h, j -> {
            // FloatVector hc = V(z, C + j); [tanh's statements] V(z, O + j).mul(hidden(hc)).intoArray(z, O + j);
            code.line();
            vectorElement(code, j, cellBase);
            Code.Local hc = code.storeNew("hc", VectorTypes.FLOAT_VECTOR_TYPE);
            Code.Bound hidden = vectorActivation(code, cell.hidden(), hc);
            code.line();
            vectorElement(code, j, cell.slotOutput() * h);
            hidden.push();
            code.invokeVirtual(VectorTypes.FLOAT_VECTOR, "mul", VectorTypes.BINARY);
            index(code, j, cell.slotOutput() * h);
            code.invokeVirtual(VectorTypes.FLOAT_VECTOR, "intoArray", VectorTypes.INTO_ARRAY);
        }, j -> {
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

    /**
     * One pass over {@code j < n}: scalar {@code for (j = 0; j < n; j++)}, or, when the update is
     * vectorized, the preferred species' lanes at a time, then the scalar loop for the rest ({@link VectorTypes#pass}).
     */
    private static void pass(Code code, CellUpdate cell, int n, Code.Body vector, Code.Body scalar) {
        VectorTypes.pass(code, cell.vectorized(), n, vector, scalar);
    }

    /** One gate's pass, vector and/or scalar; a peephole reads the cell block. */
    private void gatePass(Code code, CellUpdate cell, String name, int slot, String peephole,
                          ActivationCall activation) {
        int cellBase = cell.cellOffset();
        pass(code, cell, cell.hiddenSize(),
                j -> vectorGate(code, cell, j, name, slot, peephole, activation),
                j -> gate(code, cell, j, name, slot, peephole, () -> element(code, j, cellBase), activation));
    }

    /**
     * Lanes {@code j..j+7} of one gate: {@code FloatVector zX = V(z, X + j); [zX = zX.add(V(P, j).mul(V(z, C + j)));]
     * [zX = vectorClamp(zX, preClip);] act(zX).intoArray(z, X + j);}.
     */
    private void vectorGate(Code code, CellUpdate cell, Code.Local j, String name, int slot, String peephole,
                            ActivationCall activation) {
        int base = slot * cell.hiddenSize();
        code.line();
        vectorElement(code, j, base);
        Code.Local pre = code.storeNew(name, VectorTypes.FLOAT_VECTOR_TYPE);
        if (peephole != null) {
            code.line();
            code.load(pre);
            VectorTypes.species(code);
            code.getStatic(cls.owner(), peephole, RuntimeTypes.FLOATS);
            code.load(j);
            code.invokeStatic(VectorTypes.FLOAT_VECTOR, "fromArray", VectorTypes.FROM_ARRAY);
            vectorElement(code, j, cell.cellOffset());
            code.invokeVirtual(VectorTypes.FLOAT_VECTOR, "mul", VectorTypes.BINARY);
            code.invokeVirtual(VectorTypes.FLOAT_VECTOR, "add", VectorTypes.BINARY);
            code.store(pre);
        }
        if (cell.hasPreActivationClip()) {
            code.line();
            code.load(pre);
            vectorClamp(code, cell.preActivationClip());
            code.store(pre);
        }
        Code.Bound value = vectorActivation(code, activation, pre);
        code.line();
        value.push();
        index(code, j, base);
        code.invokeVirtual(VectorTypes.FLOAT_VECTOR, "intoArray", VectorTypes.INTO_ARRAY);
    }

    /**
     * Lanes {@code j..j+7} of the new cell: {@code cp, i, f (coupled: broadcast(1f).sub(i)), g;
     * cn = f.mul(cp).add(i.mul(g)); [cn = vectorClamp(cn, cellClip);] cn.intoArray(z, C + j)}.
     */
    private static void vectorNewCell(Code code, CellUpdate cell, Code.Local j) {
        int h = cell.hiddenSize();
        code.line();
        vectorElement(code, j, cell.cellOffset());
        Code.Local cp = code.storeNew("cp", VectorTypes.FLOAT_VECTOR_TYPE);
        code.line();
        vectorElement(code, j, cell.slotInput() * h);
        Code.Local i = code.storeNew("i", VectorTypes.FLOAT_VECTOR_TYPE);
        code.line();
        if (cell.coupled()) {
            VectorTypes.species(code);
            code.pushFloat(1f);
            code.invokeStatic(VectorTypes.FLOAT_VECTOR, "broadcast", VectorTypes.BROADCAST);
            code.load(i);
            code.invokeVirtual(VectorTypes.FLOAT_VECTOR, "sub", VectorTypes.BINARY);
        } else {
            vectorElement(code, j, cell.slotForget() * h);
        }
        Code.Local f = code.storeNew("f", VectorTypes.FLOAT_VECTOR_TYPE);
        code.line();
        vectorElement(code, j, cell.slotCell() * h);
        Code.Local g = code.storeNew("g", VectorTypes.FLOAT_VECTOR_TYPE);
        code.line();
        code.load(f);
        code.load(cp);
        code.invokeVirtual(VectorTypes.FLOAT_VECTOR, "mul", VectorTypes.BINARY);
        code.load(i);
        code.load(g);
        code.invokeVirtual(VectorTypes.FLOAT_VECTOR, "mul", VectorTypes.BINARY);
        code.invokeVirtual(VectorTypes.FLOAT_VECTOR, "add", VectorTypes.BINARY);
        Code.Local cn = code.storeNew("cn", VectorTypes.FLOAT_VECTOR_TYPE);
        if (cell.hasCellClip()) {
            code.line();
            code.load(cn);
            vectorClamp(code, cell.cellClip());
            code.store(cn);
        }
        code.line();
        code.load(cn);
        index(code, j, cell.cellOffset());
        code.invokeVirtual(VectorTypes.FLOAT_VECTOR, "intoArray", VectorTypes.INTO_ARRAY);
    }

    /** Pushes {@code FloatVector.fromArray(SPECIES_PREFERRED, z, base + j)}. */
    private static void vectorElement(Code code, Code.Local j, int base) {
        VectorTypes.species(code);
        index(code, j, base);
        code.invokeStatic(VectorTypes.FLOAT_VECTOR, "fromArray", VectorTypes.FROM_ARRAY);
    }

    /**
     * {@code top.min(limit).max(-limit)}: lanewise Math.min/max keep NaN and +-0, which is exactly
     * {@code Activations.clamp} for a positive limit (see {@link CellUpdate}).
     */
    static void vectorClamp(Code code, float limit) {
        code.pushFloat(limit);
        scalarOp(code, "min");
        code.pushFloat(-limit);
        scalarOp(code, "max");
    }

    /**
     * {@code act(x)} for a vector local {@code x}, as the source back end renders it: emits tanh's
     * intermediate locals ({@code tc, tu, tp, tq}) now when the activation needs tanh, and returns
     * what pushes the value (just {@code x} for the identity). Inline, never a helper method: C2 does
     * not reliably inline helpers this large, and a vector crossing a call that is not inlined is boxed.
     */
    static Code.Bound vectorActivation(Code code, ActivationCall call, Code.Local x) {
        if (call.isIdentity()) {
            return () -> code.load(x);
        }
        java.util.List<Float> args = call.arguments();
        return switch (call.method()) {
            case "tanh" -> tanh(code, () -> code.load(x));
            case "sigmoid" -> {
                // tanh(x.mul(0.5f)).mul(0.5f).add(0.5f)
                Code.Bound t = tanh(code, () -> {
                    code.load(x);
                    code.pushFloat(0.5f);
                    scalarOp(code, "mul");
                });
                yield () -> {
                    t.push();
                    code.pushFloat(0.5f);
                    scalarOp(code, "mul");
                    code.pushFloat(0.5f);
                    scalarOp(code, "add");
                };
            }
            case "affine" -> () -> {
                // x.mul(alpha).add(beta)
                code.load(x);
                code.pushFloat(args.get(0));
                scalarOp(code, "mul");
                code.pushFloat(args.get(1));
                scalarOp(code, "add");
            };
            case "scaledTanh" -> {
                // tanh(x.mul(beta)).mul(alpha)
                Code.Bound t = tanh(code, () -> {
                    code.load(x);
                    code.pushFloat(args.get(1));
                    scalarOp(code, "mul");
                });
                yield () -> {
                    t.push();
                    code.pushFloat(args.get(0));
                    scalarOp(code, "mul");
                };
            }
            case "hardSigmoid" -> () -> {
                // x.mul(alpha).add(beta).min(1f).max(0f)
                code.load(x);
                code.pushFloat(args.get(0));
                scalarOp(code, "mul");
                code.pushFloat(args.get(1));
                scalarOp(code, "add");
                code.pushFloat(1f);
                scalarOp(code, "min");
                code.pushFloat(0f);
                scalarOp(code, "max");
            };
            case "relu" -> () -> {
                // FloatVector.zero(SPECIES_PREFERRED).blend(x, x.compare(GT, 0f)): NaN and -0 are not > 0, so give +0
                VectorTypes.species(code);
                code.invokeStatic(VectorTypes.FLOAT_VECTOR, "zero", VectorTypes.ZERO);
                code.load(x);
                compare(code, x, "GT");
                code.invokeVirtual(VectorTypes.FLOAT_VECTOR, "blend", VectorTypes.BLEND);
            };
            case "leakyRelu" -> () -> {
                // x.mul(alpha).blend(x, x.compare(GE, 0f)): -0 >= 0 keeps -0, NaN gives alpha * NaN
                code.load(x);
                code.pushFloat(args.get(0));
                scalarOp(code, "mul");
                code.load(x);
                compare(code, x, "GE");
                code.invokeVirtual(VectorTypes.FLOAT_VECTOR, "blend", VectorTypes.BLEND);
            };
            case "softsign" -> () -> {
                // x.div(x.abs().add(1f))
                code.load(x);
                code.load(x);
                code.invokeVirtual(VectorTypes.FLOAT_VECTOR, "abs", VectorTypes.UNARY);
                code.pushFloat(1f);
                scalarOp(code, "add");
                code.invokeVirtual(VectorTypes.FLOAT_VECTOR, "div", VectorTypes.BINARY);
            };
            default -> throw new IllegalArgumentException("no vector form of Activations." + call.method());
        };
    }

    /**
     * Statements {@code tc = argument.min(TANH_CLAMP).max(-TANH_CLAMP); tu = tc.mul(tc);} and Horner's
     * rule for {@code tp} and {@code tq} (a separate multiplication and addition per step, never
     * fused); returns what pushes {@code tc.mul(tp).div(tq)}.
     */
    private static Code.Bound tanh(Code code, Code.Bound argument) {
        code.line();
        argument.push();
        code.pushFloat(Activations.TANH_CLAMP);
        scalarOp(code, "min");
        code.pushFloat(-Activations.TANH_CLAMP);
        scalarOp(code, "max");
        Code.Local c = code.storeNew("tc", VectorTypes.FLOAT_VECTOR_TYPE);
        code.line();
        code.load(c);
        code.load(c);
        code.invokeVirtual(VectorTypes.FLOAT_VECTOR, "mul", VectorTypes.BINARY);
        Code.Local u = code.storeNew("tu", VectorTypes.FLOAT_VECTOR_TYPE);
        Code.Local p = horner(code, u, "tp", new float[] {Activations.TANH_A0, Activations.TANH_A1,
                Activations.TANH_A2, Activations.TANH_A3, Activations.TANH_A4, Activations.TANH_A5,
                Activations.TANH_A6});
        Code.Local q = horner(code, u, "tq", new float[] {Activations.TANH_B0, Activations.TANH_B1,
                Activations.TANH_B2, Activations.TANH_B3});
        return () -> {
            code.load(c);
            code.load(p);
            code.invokeVirtual(VectorTypes.FLOAT_VECTOR, "mul", VectorTypes.BINARY);
            code.load(q);
            code.invokeVirtual(VectorTypes.FLOAT_VECTOR, "div", VectorTypes.BINARY);
        };
    }

    /** {@code top.op(float)} for a float on top of a vector. */
    private static void scalarOp(Code code, String op) {
        code.invokeVirtual(VectorTypes.FLOAT_VECTOR, op, VectorTypes.BINARY_SCALAR);
    }

    /** Pushes {@code x.compare(VectorOperators.<comparison>, 0f)}. */
    private static void compare(Code code, Code.Local x, String comparison) {
        code.load(x);
        code.getStatic(VectorTypes.OPERATORS, comparison, VectorTypes.COMPARISON);
        code.pushFloat(0f);
        code.invokeVirtual(VectorTypes.FLOAT_VECTOR, "compare", VectorTypes.COMPARE_SCALAR);
    }

    /**
     * {@code v = broadcast(k[top]); v = v.mul(tu).add(k[top - 1]); ...; v = v.mul(tu).add(k[0]);},
     * one line per statement.
     */
    private static Code.Local horner(Code code, Code.Local u, String name, float[] k) {
        code.line();
        VectorTypes.species(code);
        code.pushFloat(k[k.length - 1]);
        code.invokeStatic(VectorTypes.FLOAT_VECTOR, "broadcast", VectorTypes.BROADCAST);
        Code.Local v = code.storeNew(name, VectorTypes.FLOAT_VECTOR_TYPE);
        for (int i = k.length - 2; i >= 0; i--) {
            code.line();
            code.load(v);
            code.load(u);
            code.invokeVirtual(VectorTypes.FLOAT_VECTOR, "mul", VectorTypes.BINARY);
            code.pushFloat(k[i]);
            scalarOp(code, "add");
            code.store(v);
        }
        return v;
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
