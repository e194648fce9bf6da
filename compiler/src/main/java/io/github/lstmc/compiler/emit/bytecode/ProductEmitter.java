package io.github.lstmc.compiler.emit.bytecode;

import static org.objectweb.asm.Opcodes.*;

import io.github.lstmc.compiler.plan.InputProjection;
import io.github.lstmc.compiler.plan.LoopedMatVec;
import io.github.lstmc.compiler.plan.MatVec;
import io.github.lstmc.compiler.plan.Operand;
import io.github.lstmc.compiler.plan.Term;
import io.github.lstmc.compiler.plan.UnrolledMatVec;
import io.github.lstmc.compiler.plan.UnrolledMethod;
import io.github.lstmc.compiler.plan.UnrolledRow;
import java.util.List;
import org.objectweb.asm.Type;

/**
 * Renders the matrix-vector products of the plan ({@link MatVec}, and the {@link InputProjection}
 * schedule of a looped gate product): the methods themselves, and the calls a driver makes to them. Per output element both renderings accumulate in the order
 * {@link MatVec} fixes: {@code acc = start; acc = acc + w * v} term by term, each product rounded
 * to float before its addition (plain fmul then fadd, never a fused multiply-add).
 */
final class ProductEmitter {
    private static final Type FLOATS = Type.getType(float[].class);
    /** The descriptor of an {@link InputProjection} pre-pass: {@code (float[] in, float[] xz, int positions)}. */
    static final String PRE_PASS_DESCRIPTOR = "([F[FI)V";
    /** The descriptor of the STATE-only accumulation: {@code (float[] h, int hOff, float[] out)}. */
    static final String RECURRENT_DESCRIPTOR = "([FI[F)V";

    private final ClassContext cls;

    ProductEmitter(ClassContext cls) {
        this.cls = cls;
    }

    /**
     * The descriptor of a product method: {@code (float[] x, int xOff)} per operand in order (see
     * {@link Operand}), then {@code float[] out}.
     */
    static String descriptor(List<Operand> operands) {
        return "(" + "[FI".repeat(operands.size()) + "[F)V";
    }

    private static String[] parameterNames(List<Operand> operands) {
        String[] names = new String[2 * operands.size() + 1];
        for (int i = 0; i < operands.size(); i++) {
            String vector = vectorName(operands.get(i));
            names[2 * i] = vector;
            names[2 * i + 1] = vector + "Off";
        }
        names[names.length - 1] = "out";
        return names;
    }

    private static String vectorName(Operand operand) {
        return operand == Operand.INPUT ? "x" : "h";
    }

    /** Writes every method {@code product} needs. */
    void emitMethods(MatVec product) {
        if (product instanceof UnrolledMatVec unrolled) {
            for (UnrolledMethod method : unrolled.methods()) {
                emitUnrolled(unrolled.operands(), method);
            }
        } else {
            emitLooped((LoopedMatVec) product);
        }
    }

    /**
     * Emits the calls that compute {@code product}, one per method in order; {@code operands}
     * pushes the (vector, offset) pair of each operand and {@code out} the output array.
     */
    void emitCalls(Code code, MatVec product, OperandPusher operands, Runnable out) {
        String descriptor = descriptor(product.operands());
        List<String> methods = product instanceof UnrolledMatVec unrolled
                ? unrolled.methods().stream().map(UnrolledMethod::name).toList()
                : List.of(((LoopedMatVec) product).method());
        for (String method : methods) {
            code.line();
            for (Operand operand : product.operands()) {
                operands.push(operand);
            }
            out.run();
            code.invokeStatic(cls.owner(), method, descriptor);
        }
    }

    /** Pushes an operand's vector and offset at a call site. */
    @FunctionalInterface
    interface OperandPusher {
        void push(Operand operand);
    }

    /**
     * {@link UnrolledRow}: {@code out[row] = (((start + t0) + t1) + ...)}. As in the source back
     * end, a negative weight is a subtraction of its magnitude's product ({@code a + (-w)*v} and
     * {@code a - w*v} are the same bits in IEEE 754) and a weight of ±1 drops its multiply (exact).
     * One line per row.
     */
    private void emitUnrolled(List<Operand> operands, UnrolledMethod method) {
        Code code = cls.helper(method.name(), descriptor(operands), parameterNames(operands));
        Code.Local out = code.local("out");
        for (UnrolledRow row : method.rows()) {
            code.line();
            code.load(out);
            code.pushInt(row.row());
            code.pushFloat(row.start());
            for (Term term : row.terms()) {
                float magnitude = Math.abs(term.weight());
                if (magnitude != 1f) {
                    code.pushFloat(magnitude);
                    pushElement(code, term);
                    code.insn(FMUL);
                } else {
                    pushElement(code, term);
                }
                code.insn(term.weight() < 0f ? FSUB : FADD);
            }
            code.insn(FASTORE);
        }
        code.insn(RETURN);
        code.finish();
    }

    /** {@code v[vOff + index]}. */
    private static void pushElement(Code code, Term term) {
        String vector = vectorName(term.operand());
        code.load(code.local(vector));
        code.load(code.local(vector + "Off"));
        if (term.index() != 0) {
            code.pushInt(term.index());
            code.insn(IADD);
        }
        code.insn(FALOAD);
    }

    /**
     * {@link LoopedMatVec}: start from the bias field (or zeros), then per operand and per input
     * element {@code k}, the axpy {@code out[r] = out[r] + w[r] * v} over row {@code k} of the
     * transposed weights.
     */
    private void emitLooped(LoopedMatVec product) {
        Code code = cls.helper(product.method(), descriptor(product.operands()), parameterNames(product.operands()));
        Code.Local out = code.local("out");
        code.line();
        if (product.startField() != null) {
            code.getStatic(cls.owner(), product.startField(), RuntimeTypes.FLOATS);
            code.pushInt(0);
            code.load(out);
            code.pushInt(0);
            code.pushInt(product.rows());
            code.invokeStatic(RuntimeTypes.SYSTEM, "arraycopy", RuntimeTypes.ARRAYCOPY);
        } else {
            code.load(out);
            code.pushInt(0);
            code.pushInt(product.rows());
            code.pushFloat(0f);
            code.invokeStatic(RuntimeTypes.ARRAYS, "fill", RuntimeTypes.FILL_RANGE);
        }
        for (LoopedMatVec.LoopedOperand operand : product.weights()) {
            accumulate(code, product.rows(), operand);
        }
        code.insn(RETURN);
        code.finish();
    }

    /**
     * One operand of a looped product, added to {@code out}:
     * {@code for k < K: v = vec[vecOff + k]; w = F[k]; for r < rows: out[r] += w[r] * v}.
     */
    private void accumulate(Code code, int rows, LoopedMatVec.LoopedOperand operand) {
        code.line();
        Code.Local out = code.local("out");
        Code.Local vector = code.local(vectorName(operand.operand()));
        Code.Local offset = code.local(vectorName(operand.operand()) + "Off");
        code.forLoop("k", 0, operand.length(), k -> {
            code.load(vector);
            code.load(offset);
            code.load(k);
            code.insn(IADD);
            code.insn(FALOAD);
            Code.Local v = code.storeNew("v", Type.FLOAT_TYPE);
            code.getStatic(cls.owner(), operand.field(), RuntimeTypes.FLOAT_ROWS);
            code.load(k);
            code.insn(AALOAD);
            Code.Local w = code.storeNew("w", FLOATS);
            code.forLoop("r", 0, rows, r -> {
                code.load(out);
                code.load(r);
                code.insn(DUP2);
                code.insn(FALOAD);
                code.load(w);
                code.load(r);
                code.insn(FALOAD);
                code.load(v);
                code.insn(FMUL);
                code.insn(FADD);
                code.insn(FASTORE);
            });
        });
    }

    /**
     * {@link InputProjection}: the pre-pass computing {@code start + W x} for every position, tile
     * by tile, and the method adding {@code R h} to a {@code z} that already holds it. Per element
     * the additions keep the gates product's order (start, INPUT terms, STATE terms).
     */
    void emitInputProjection(InputProjection pre, LoopedMatVec gates) {
        emitPrePass(pre, gates);
        Code code = cls.helper(pre.recurrentMethod(), RECURRENT_DESCRIPTOR, parameterNames(List.of(Operand.STATE)));
        accumulate(code, gates.rows(), operand(gates, Operand.STATE));
        code.insn(RETURN);
        code.finish();
    }

    private static LoopedMatVec.LoopedOperand operand(LoopedMatVec product, Operand which) {
        for (LoopedMatVec.LoopedOperand operand : product.weights()) {
            if (operand.operand() == which) {
                return operand;
            }
        }
        throw new IllegalArgumentException(product.method() + " has no " + which + " operand");
    }

    /**
     * <pre>
     *   for (p0 = 0; p0 &lt; positions; p0 += tile):
     *     p1 = min(positions, p0 + tile)
     *     for p in p0..p1-1: xz[p*G .. p*G+G) = START (or zeros)
     *     for k &lt; I: w = W^T[k]; for p in p0..p1-1: v = in[p*I + k]; base = p*G; for r &lt; G: xz[base + r] += w[r] * v
     * </pre>
     */
    private void emitPrePass(InputProjection pre, LoopedMatVec gates) {
        LoopedMatVec.LoopedOperand input = operand(gates, Operand.INPUT);
        int rows = pre.rows();
        Code code = cls.helper(pre.method(), PRE_PASS_DESCRIPTOR, "in", "xz", "positions");
        Code.Local in = code.local("in");
        Code.Local xz = code.local("xz");
        Code.Local positions = code.local("positions");
        code.line();
        code.forLoop("p0", () -> code.pushInt(0), () -> code.load(positions), pre.tile(), p0 -> {
            code.line();
            code.load(positions);
            code.load(p0);
            code.pushInt(pre.tile());
            code.insn(IADD);
            code.invokeStatic(RuntimeTypes.MATH, "min", "(II)I");
            Code.Local p1 = code.storeNewInt("p1");
            code.line();
            code.forLoop("p", () -> code.load(p0), () -> code.load(p1), p -> {
                if (gates.startField() != null) {
                    code.getStatic(cls.owner(), gates.startField(), RuntimeTypes.FLOATS);
                    code.pushInt(0);
                    code.load(xz);
                    code.load(p);
                    code.pushInt(rows);
                    code.insn(IMUL);
                    code.pushInt(rows);
                    code.invokeStatic(RuntimeTypes.SYSTEM, "arraycopy", RuntimeTypes.ARRAYCOPY);
                } else {
                    code.load(xz);
                    code.load(p);
                    code.pushInt(rows);
                    code.insn(IMUL);
                    code.load(p);
                    code.pushInt(rows);
                    code.insn(IMUL);
                    code.pushInt(rows);
                    code.insn(IADD);
                    code.pushFloat(0f);
                    code.invokeStatic(RuntimeTypes.ARRAYS, "fill", RuntimeTypes.FILL_RANGE);
                }
            });
            code.line();
            code.forLoop("k", 0, input.length(), k -> {
                code.getStatic(cls.owner(), input.field(), RuntimeTypes.FLOAT_ROWS);
                code.load(k);
                code.insn(AALOAD);
                Code.Local w = code.storeNew("w", FLOATS);
                code.forLoop("p", () -> code.load(p0), () -> code.load(p1), p -> {
                    code.load(in);
                    code.load(p);
                    code.pushInt(input.length());
                    code.insn(IMUL);
                    code.load(k);
                    code.insn(IADD);
                    code.insn(FALOAD);
                    Code.Local v = code.storeNew("v", Type.FLOAT_TYPE);
                    code.load(p);
                    code.pushInt(rows);
                    code.insn(IMUL);
                    Code.Local base = code.storeNewInt("base");
                    code.forLoop("r", 0, rows, r -> {
                        code.load(xz);
                        code.load(base);
                        code.load(r);
                        code.insn(IADD);
                        code.insn(DUP2);
                        code.insn(FALOAD);
                        code.load(w);
                        code.load(r);
                        code.insn(FALOAD);
                        code.load(v);
                        code.insn(FMUL);
                        code.insn(FADD);
                        code.insn(FASTORE);
                    });
                });
            });
        });
        code.insn(RETURN);
        code.finish();
    }
}
