package io.github.lstmc.compiler.emit.bytecode;

import static io.github.lstmc.compiler.emit.bytecode.VectorTypes.BROADCAST;
import static io.github.lstmc.compiler.emit.bytecode.VectorTypes.FLOAT_VECTOR;
import static io.github.lstmc.compiler.emit.bytecode.VectorTypes.FLOAT_VECTOR_TYPE;
import static io.github.lstmc.compiler.emit.bytecode.VectorTypes.FMA;
import static io.github.lstmc.compiler.emit.bytecode.VectorTypes.FROM_ARRAY;
import static io.github.lstmc.compiler.emit.bytecode.VectorTypes.INTO_ARRAY;
import static io.github.lstmc.compiler.emit.bytecode.VectorTypes.SPECIES;
import static io.github.lstmc.compiler.emit.bytecode.VectorTypes.ZERO;
import static org.objectweb.asm.Opcodes.*;

import io.github.lstmc.compiler.plan.BatchGroup;
import io.github.lstmc.compiler.plan.InputProjection;
import io.github.lstmc.compiler.plan.LoopedMatVec;
import io.github.lstmc.compiler.plan.MatVec;
import io.github.lstmc.compiler.plan.Operand;
import io.github.lstmc.compiler.plan.Term;
import io.github.lstmc.compiler.plan.UnrolledMatVec;
import io.github.lstmc.compiler.plan.UnrolledMethod;
import io.github.lstmc.compiler.plan.UnrolledRow;
import io.github.lstmc.compiler.plan.VectorMatVec;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.Type;

/**
 * Renders the matrix-vector products of the plan ({@link MatVec}, and the {@link InputProjection}
 * schedule of a looped gate product): the methods themselves, and the calls a driver makes to them. Per output element both renderings accumulate in the order
 * {@link MatVec} fixes: {@code acc = start; acc = acc + w * v} term by term, each product rounded
 * to float before its addition (plain fmul then fadd, never a fused multiply-add), except for the
 * opt-in {@link VectorMatVec}, which fuses them as its Javadoc states.
 */
final class ProductEmitter {
    private static final Type FLOATS = Type.getType(float[].class);
    /**
     * The descriptor of an {@link InputProjection} pre-pass:
     * {@code (float[] in, float[] xz, int positions, float[] s0, ..., float[] s(P-1))}.
     */
    static String prePassDescriptor(InputProjection pre) {
        return "([F[FI" + "[F".repeat(pre.tile()) + ")V";
    }
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
        } else if (product instanceof VectorMatVec vectorized) {
            emitVectorized(vectorized);
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
                : product instanceof VectorMatVec vectorized ? List.of(vectorized.method())
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
        code.line();
        start(code, product, code.local("out"));
        for (LoopedMatVec.LoopedOperand operand : product.weights()) {
            accumulate(code, product.rows(), operand, product.block());
        }
        code.insn(RETURN);
        code.finish();
    }

    /**
     * {@link VectorMatVec}: the concatenation of several operands, chunks of {@value VectorMatVec#CHUNK}
     * vector columns in a loop, the remaining columns as one block, then the scalar tail, as the plan
     * record states.
     */
    private void emitVectorized(VectorMatVec product) {
        Code code = cls.helper(product.method(), descriptor(product.operands()), parameterNames(product.operands()));
        concatenation(code, product);
        singleRow(code, product, 0, false);
        code.insn(RETURN);
        code.finish();
    }

    /** {@link InputProjection} of a {@link VectorMatVec}: the pre-pass and the STATE-only method. */
    void emitVectorInputProjection(InputProjection pre, VectorMatVec product) {
        emitVectorPrePass(pre, product);
        int inputs = product.lengths().get(0);
        Code code = cls.helper(pre.recurrentMethod(), RECURRENT_DESCRIPTOR, parameterNames(List.of(Operand.STATE)));
        // cat = h, catOff = hOff - I: k runs over the STATE part of the strips, from I on
        code.line();
        code.load(code.local("h"));
        code.storeNew("cat", FLOATS);
        code.load(code.local("hOff"));
        code.pushInt(inputs);
        code.insn(ISUB);
        code.storeNewInt("catOff");
        singleRow(code, product, inputs, true);
        code.insn(RETURN);
        code.finish();
    }

    /** Chunks, the remaining block and the tail of one row, over {@code k} from {@code from}. */
    private void singleRow(Code code, VectorMatVec product, int from, boolean startFromOut) {
        int full = product.vectorColumns();
        int chunks = full / VectorMatVec.CHUNK;
        if (chunks > 0) {
            code.line();
            code.forLoop("q", 0, chunks, q -> {
                code.load(q);
                code.pushInt(VectorMatVec.CHUNK * VectorMatVec.LANES);
                code.insn(IMUL);
                Code.Local o = code.storeNewInt("o");
                code.load(q);
                code.pushInt(VectorMatVec.CHUNK / 2);
                code.insn(IMUL);
                Code.Local s = code.storeNewInt("s");
                vectorBlock(code, product, o, s, VectorMatVec.CHUNK, from, startFromOut);
            });
        }
        int rest = full % VectorMatVec.CHUNK;
        if (rest > 0) {
            code.line();
            int mark = code.scope();
            int c0 = full - rest;
            code.pushInt(c0 * VectorMatVec.LANES);
            Code.Local o = code.storeNewInt("o");
            code.pushInt(c0 / 2);
            Code.Local s = code.storeNewInt("s");
            vectorBlock(code, product, o, s, rest, from, startFromOut);
            code.close(mark);
        }
        scalarTail(code, product, new RowIo(code.local("cat"), code.local("catOff"), 0, code.local("out"), null, 0),
                from, product.inputLength(), startFromOut);
    }

    /**
     * Where one row of a kernel reads its input ({@code in[inBase + inConst + k]}, or {@code in[k *
     * stride + lane]} when the rows of a group are interleaved) and writes its output
     * ({@code out[outBase + outConst + r]}); a null base is 0. Bases stay fixed in the loops; a group
     * reads its rows interleaved from one array, the layout that measured fastest ({@link VectorMatVec}).
     */
    private record RowIo(Code.Local in, Code.Local inBase, int inConst, Code.Local out, Code.Local outBase,
                         int outConst, int stride, int lane) {
        RowIo(Code.Local in, Code.Local inBase, int inConst, Code.Local out, Code.Local outBase, int outConst) {
            this(in, inBase, inConst, out, outBase, outConst, 1, 0);
        }

        /** Pushes {@code in} and the index of input element {@code k}. */
        void pushInput(Code code, Code.Local k) {
            code.load(in);
            if (stride != 1) {
                // k * stride + lane: the rows of a group interleaved
                code.load(k);
                code.pushInt(stride);
                code.insn(IMUL);
                if (lane != 0) {
                    code.pushInt(lane);
                    code.insn(IADD);
                }
            } else {
                pushIndex(code, inBase, inConst, k);
            }
        }
    }

    /** Pushes {@code base + constant + variable} (absent terms skipped, 0 when all are). */
    private static void pushIndex(Code code, Code.Local base, int constant, Code.Local variable) {
        boolean pushed = false;
        if (base != null) {
            code.load(base);
            pushed = true;
        }
        if (constant != 0) {
            code.pushInt(constant);
            if (pushed) {
                code.insn(IADD);
            }
            pushed = true;
        }
        if (variable != null) {
            code.load(variable);
            if (pushed) {
                code.insn(IADD);
            }
            pushed = true;
        }
        if (!pushed) {
            code.pushInt(0);
        }
    }

    /**
     * {@code cat, catOff}: the inputs of the single-row method as one vector, copied after the rows
     * of {@code out} when there are several operands ({@code cat = out}), else the operand itself.
     */
    private static void concatenation(Code code, VectorMatVec product) {
        code.line();
        if (product.concatenates()) {
            copyOperands(code, product);
            code.load(code.local("out"));
            code.storeNew("cat", FLOATS);
            code.pushInt(product.rows());
            code.storeNewInt("catOff");
        } else {
            String name = vectorName(product.operands().get(0));
            code.load(code.local(name));
            code.storeNew("cat", FLOATS);
            code.load(code.local(name + "Off"));
            code.storeNewInt("catOff");
        }
    }

    /** {@code System.arraycopy} of every operand to {@code out[rows ..]}, in order. */
    private static void copyOperands(Code code, VectorMatVec product) {
        Code.Local out = code.local("out");
        int at = product.rows();
        for (int op = 0; op < product.operands().size(); op++) {
            String name = vectorName(product.operands().get(op));
            code.load(code.local(name));
            code.load(code.local(name + "Off"));
            code.load(out);
            code.pushInt(at);
            code.pushInt(product.lengths().get(op));
            code.invokeStatic(RuntimeTypes.SYSTEM, "arraycopy", RuntimeTypes.ARRAYCOPY);
            at += product.lengths().get(op);
        }
    }

    /** The rows past the whole vectors of one row ({@code io}), one by one ({@link #vectorTail}). */
    private void scalarTail(Code code, VectorMatVec product, RowIo io, int from, int to, boolean startFromOut) {
        int first = product.vectorColumns() * VectorMatVec.LANES;
        if (first < product.rows()) {
            code.line();
            code.forLoop("r", first, () -> code.pushInt(product.rows()),
                    r -> vectorTail(code, product, r, io, from, to, startFromOut));
        }
    }

    /** {@link BatchGroup} of a {@link VectorMatVec}: per strip, one weight load for every row's accumulators. */
    void emitGroupedVector(BatchGroup group, VectorMatVec product) {
        int size = group.size();
        Code code = cls.helper(group.method(), groupedDescriptor(product.operands(), group),
                groupedParameters(product.operands(), group));
        List<RowIo> rows = new ArrayList<>();
        Code.Local cat = code.local("cat");
        for (int q = 0; q < size; q++) {
            int at = 0;
            for (int op = 0; op < product.operands().size(); op++) {
                // for (k < K_op) cat[(at + k) * size + q] = vec[vecOff_q + k]
                code.line();
                Code.Local vector = code.local(vectorName(product.operands().get(op)));
                Code.Local offset = code.local(vectorName(product.operands().get(op)) + "Off" + q);
                int first = at;
                int lane = q;
                code.forLoop("k", 0, product.lengths().get(op), k -> {
                    code.load(cat);
                    pushIndex(code, null, first, k);
                    code.pushInt(size);
                    code.insn(IMUL);
                    if (lane != 0) {
                        code.pushInt(lane);
                        code.insn(IADD);
                    }
                    code.load(vector);
                    code.load(offset);
                    code.load(k);
                    code.insn(IADD);
                    code.insn(FALOAD);
                    code.insn(FASTORE);
                });
                at += product.lengths().get(op);
            }
            rows.add(new RowIo(cat, null, 0, code.local("out" + q), null, 0, size, q));
        }
        groupedStrips(code, product, rows, product.inputLength());
        for (RowIo row : rows) {
            scalarTail(code, product, row, 0, product.inputLength(), false);
        }
        code.insn(RETURN);
        code.finish();
    }

    /**
     * {@link InputProjection} pre-pass of a {@link VectorMatVec}: {@value BatchGroup#VECTOR_SIZE}
     * positions per pass over the INPUT weights (the grouped kernel with positions as rows), then the
     * remaining positions one by one, straight into {@code xz}.
     */
    private void emitVectorPrePass(InputProjection pre, VectorMatVec product) {
        Code code = prePassMethod(pre);
        Code.Local positions = code.local("positions");
        int group = BatchGroup.VECTOR_SIZE;
        code.line();
        code.load(positions);
        code.load(positions);
        code.pushInt(group);
        code.insn(IREM);
        code.insn(ISUB);
        Code.Local whole = code.storeNewInt("whole");
        code.line();
        code.forLoop("p0", () -> code.pushInt(0), () -> code.load(whole), group,
                p0 -> prePassPositions(code, product, p0, group));
        code.line();
        code.forLoop("p0", () -> code.load(whole), () -> code.load(positions), 1,
                p0 -> prePassPositions(code, product, p0, 1));
        code.insn(RETURN);
        code.finish();
    }

    /** {@code n} positions from {@code p0}: row q reads {@code in} at {@code (p0+q)*I} and writes {@code xz} at {@code (p0+q)*G}. */
    private void prePassPositions(Code code, VectorMatVec product, Code.Local p0, int n) {
        int inputs = product.lengths().get(0);
        code.line();
        int mark = code.scope();
        code.load(p0);
        code.pushInt(inputs);
        code.insn(IMUL);
        Code.Local b = code.storeNewInt("b");
        code.load(p0);
        code.pushInt(product.rows());
        code.insn(IMUL);
        Code.Local xo = code.storeNewInt("xo");
        List<RowIo> rows = new ArrayList<>();
        for (int q = 0; q < n; q++) {
            rows.add(new RowIo(code.local("in"), b, q * inputs, code.local("xz"), xo, q * product.rows()));
        }
        groupedStrips(code, product, rows, inputs);
        for (RowIo row : rows) {
            scalarTail(code, product, row, 0, inputs, false);
        }
        code.close(mark);
    }

    /** Every whole strip, then the last single vector column when there is one, for the rows {@code outs}. */
    private void groupedStrips(Code code, VectorMatVec product, List<RowIo> rows, int to) {
        int strips = product.rows() / VectorMatVec.STRIP;
        if (strips > 0) {
            code.line();
            code.forLoop("s", 0, strips, s -> {
                code.load(s);
                code.pushInt(VectorMatVec.STRIP);
                code.insn(IMUL);
                Code.Local o = code.storeNewInt("o");
                code.getStatic(cls.owner(), product.field(), RuntimeTypes.FLOAT_ROWS);
                code.load(s);
                code.insn(AALOAD);
                Code.Local p = code.storeNew("p", FLOATS);
                groupedVectorBlock(code, product, rows, 2, o, p, to);
            });
        }
        if (product.vectorColumns() % 2 != 0) {
            code.line();
            int mark = code.scope();
            code.pushInt(strips * VectorMatVec.STRIP);
            Code.Local o = code.storeNewInt("o");
            code.getStatic(cls.owner(), product.field(), RuntimeTypes.FLOAT_ROWS);
            code.pushInt(strips);
            code.insn(AALOAD);
            Code.Local p = code.storeNew("p", FLOATS);
            groupedVectorBlock(code, product, rows, 1, o, p, to);
            code.close(mark);
        }
    }

    /** {@code width} vectors from output row {@code o} of strip {@code p}, for every row, over {@code k < to}. */
    private void groupedVectorBlock(Code code, VectorMatVec product, List<RowIo> rows, int width, Code.Local o,
                                    Code.Local p, int to) {
        int size = rows.size();
        // each start vector loaded once and shared: loading it once per row measured 2x slower
        Code.Local[] b = new Code.Local[width];
        for (int e = 0; e < width; e++) {
            pushStart(code, product, null, o, e);
            b[e] = code.storeNew("b" + e, FLOAT_VECTOR_TYPE);
        }
        Code.Local[][] a = new Code.Local[size][width];
        for (int q = 0; q < size; q++) {
            for (int e = 0; e < width; e++) {
                code.load(b[e]);
                a[q][e] = code.storeNew("a" + q + "_" + e, FLOAT_VECTOR_TYPE);
            }
        }
        code.line();
        code.forLoop("k", 0, to, k -> {
            code.load(k);
            code.pushInt(VectorMatVec.STRIP);
            code.insn(IMUL);
            Code.Local i = code.storeNewInt("i");
            Code.Local[] w = new Code.Local[width];
            for (int e = 0; e < width; e++) {
                code.getStatic(FLOAT_VECTOR, "SPECIES_256", SPECIES);
                code.load(p);
                pushPlus(code, i, e * VectorMatVec.LANES);
                code.invokeStatic(FLOAT_VECTOR, "fromArray", FROM_ARRAY);
                w[e] = code.storeNew("w" + e, FLOAT_VECTOR_TYPE);
            }
            for (int q = 0; q < size; q++) {
                RowIo row = rows.get(q);
                code.getStatic(FLOAT_VECTOR, "SPECIES_256", SPECIES);
                row.pushInput(code, k);
                code.insn(FALOAD);
                code.invokeStatic(FLOAT_VECTOR, "broadcast", BROADCAST);
                Code.Local y = code.storeNew("y" + q, FLOAT_VECTOR_TYPE);
                for (int e = 0; e < width; e++) {
                    code.load(w[e]);
                    code.load(y);
                    code.load(a[q][e]);
                    code.invokeVirtual(FLOAT_VECTOR, "fma", FMA);
                    code.store(a[q][e]);
                }
            }
        });
        code.line();
        for (int q = 0; q < size; q++) {
            RowIo row = rows.get(q);
            for (int e = 0; e < width; e++) {
                code.load(a[q][e]);
                code.load(row.out());
                pushIndex(code, row.outBase(), row.outConst() + e * VectorMatVec.LANES, o);
                code.invokeVirtual(FLOAT_VECTOR, "intoArray", INTO_ARRAY);
            }
        }
    }

    /**
     * The starting accumulator {@code e} at output row {@code o}: {@code fromArray(from, o + 8e)} when
     * {@code from} is given (the output itself), else from the start field, or zero without one.
     */
    private void pushStart(Code code, VectorMatVec product, Code.Local from, Code.Local o, int e) {
        code.getStatic(FLOAT_VECTOR, "SPECIES_256", SPECIES);
        if (from != null) {
            code.load(from);
            pushPlus(code, o, e * VectorMatVec.LANES);
            code.invokeStatic(FLOAT_VECTOR, "fromArray", FROM_ARRAY);
        } else if (product.startField() == null) {
            code.invokeStatic(FLOAT_VECTOR, "zero", ZERO);
        } else {
            code.getStatic(cls.owner(), product.startField(), RuntimeTypes.FLOATS);
            pushPlus(code, o, e * VectorMatVec.LANES);
            code.invokeStatic(FLOAT_VECTOR, "fromArray", FROM_ARRAY);
        }
    }

    /** {@code FloatVector.broadcast(SPECIES_256, cat[catOff + k])}. */
    private static void broadcast(Code code, Code.Local cat, Code.Local catOff, Code.Local k) {
        code.getStatic(FLOAT_VECTOR, "SPECIES_256", SPECIES);
        code.load(cat);
        pushIndex(code, catOff, 0, k);
        code.insn(FALOAD);
        code.invokeStatic(FLOAT_VECTOR, "broadcast", BROADCAST);
    }

    /**
     * Vector columns {@code o/8 ..} of one block, strips from {@code s}, in registers a0..a(n-1), over
     * {@code k} from {@code from}; starting from the start field (or zero), or from {@code out}.
     */
    private void vectorBlock(Code code, VectorMatVec product, Code.Local o, Code.Local s, int n, int from,
                             boolean startFromOut) {
        Code.Local[] a = new Code.Local[n];
        for (int e = 0; e < n; e++) {
            pushStart(code, product, startFromOut ? code.local("out") : null, o, e);
            a[e] = code.storeNew("a" + e, FLOAT_VECTOR_TYPE);
        }
        Code.Local[] p = new Code.Local[(n + 1) / 2];
        for (int i = 0; i < p.length; i++) {
            code.getStatic(cls.owner(), product.field(), RuntimeTypes.FLOAT_ROWS);
            pushPlus(code, s, i);
            code.insn(AALOAD);
            p[i] = code.storeNew("p" + i, FLOATS);
        }
        Code.Local cat = code.local("cat");
        Code.Local catOff = code.local("catOff");
        code.line();
        code.forLoop("k", from, () -> code.pushInt(product.inputLength()), k -> {
            broadcast(code, cat, catOff, k);
            Code.Local v = code.storeNew("v", FLOAT_VECTOR_TYPE);
            code.load(k);
            code.pushInt(VectorMatVec.STRIP);
            code.insn(IMUL);
            Code.Local i = code.storeNewInt("i");
            for (int e = 0; e < n; e++) {
                code.getStatic(FLOAT_VECTOR, "SPECIES_256", SPECIES);
                code.load(p[e / 2]);
                pushPlus(code, i, e % 2 * VectorMatVec.LANES);
                code.invokeStatic(FLOAT_VECTOR, "fromArray", FROM_ARRAY);
                code.load(v);
                code.load(a[e]);
                code.invokeVirtual(FLOAT_VECTOR, "fma", FMA);
                code.store(a[e]);
            }
        });
        code.line();
        for (int e = 0; e < n; e++) {
            code.load(a[e]);
            code.load(code.local("out"));
            pushPlus(code, o, e * VectorMatVec.LANES);
            code.invokeVirtual(FLOAT_VECTOR, "intoArray", VectorTypes.INTO_ARRAY);
        }
    }

    /**
     * One output element past the whole vectors, {@code out[outBase + outConst + r]} of {@code io}:
     * {@code acc = Math.fma(w, in[..k], acc)} for {@code k} in {@code [from, to)}, in the lanes' order.
     */
    private void vectorTail(Code code, VectorMatVec product, Code.Local r, RowIo io, int from, int to,
                            boolean startFromOut) {
        if (startFromOut) {
            code.load(io.out());
            pushIndex(code, io.outBase(), io.outConst(), r);
            code.insn(FALOAD);
        } else if (product.startField() == null) {
            code.pushFloat(0f);
        } else {
            code.getStatic(cls.owner(), product.startField(), RuntimeTypes.FLOATS);
            code.load(r);
            code.insn(FALOAD);
        }
        Code.Local acc = code.storeNew("acc", Type.FLOAT_TYPE);
        code.getStatic(cls.owner(), product.field(), RuntimeTypes.FLOAT_ROWS);
        code.load(r);
        code.pushInt(Integer.numberOfTrailingZeros(VectorMatVec.STRIP));
        code.insn(ISHR);
        code.insn(AALOAD);
        Code.Local p = code.storeNew("p", FLOATS);
        code.load(r);
        code.pushInt(VectorMatVec.STRIP - 1);
        code.insn(IAND);
        Code.Local j = code.storeNewInt("j");
        code.forLoop("k", from, () -> code.pushInt(to), k -> {
            code.load(p);
            code.load(k);
            code.pushInt(VectorMatVec.STRIP);
            code.insn(IMUL);
            code.load(j);
            code.insn(IADD);
            code.insn(FALOAD);
            io.pushInput(code, k);
            code.insn(FALOAD);
            code.load(acc);
            code.invokeStatic(RuntimeTypes.MATH, "fma", "(FFF)F");
            code.store(acc);
        });
        code.load(io.out());
        pushIndex(code, io.outBase(), io.outConst(), r);
        code.load(acc);
        code.insn(FASTORE);
    }

    /** Pushes {@code local + delta} (just the local when delta is 0). */
    private static void pushPlus(Code code, Code.Local local, int delta) {
        code.load(local);
        if (delta != 0) {
            code.pushInt(delta);
            code.insn(IADD);
        }
    }

    /** {@code out[0..rows) = START} (System.arraycopy of the bias field), or zeros when the product has no start. */
    private void start(Code code, LoopedMatVec product, Code.Local out) {
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
    }

    /** What one block of {@code count} input elements starting at {@code k0} renders. */
    private interface BlockBody {
        void render(Code.Bound k0, int count);
    }

    /**
     * One operand's input elements in blocks: whole blocks of {@code block} elements in a loop over
     * {@code k}, then the remainder as one shorter block.
     */
    private static void inBlocks(Code code, LoopedMatVec.LoopedOperand operand, int block, BlockBody body) {
        int whole = operand.length() - operand.length() % block;
        if (whole > 0) {
            code.line();
            code.forLoop("k", () -> code.pushInt(0), () -> code.pushInt(whole), block,
                    k -> body.render(() -> code.load(k), block));
        }
        if (whole < operand.length()) {
            code.line();
            int mark = code.scope();
            body.render(() -> code.pushInt(whole), operand.length() - whole);
            code.close(mark);
        }
    }

    /** {@code float[] w<e> = F[k0 + e]}: row {@code k0 + e} of the operand's transposed weights. */
    private Code.Local weightRow(Code code, LoopedMatVec.LoopedOperand operand, Code.Bound k0, int e) {
        code.getStatic(cls.owner(), operand.field(), RuntimeTypes.FLOAT_ROWS);
        k0.push();
        if (e > 0) {
            code.pushInt(e);
            code.insn(IADD);
        }
        code.insn(AALOAD);
        return code.storeNew("w" + e, FLOATS);
    }

    /** {@code for r < rows: out[r] = out[r] + w[0][r] * v[0] + w[1][r] * v[1] + ...}, left to right. */
    private static void axpy(Code code, Code.Local out, int rows, Code.Local[] w, Code.Local[] v) {
        code.forLoop("r", 0, rows, r -> {
            code.load(out);
            code.load(r);
            code.insn(DUP2);
            code.insn(FALOAD);
            for (int e = 0; e < w.length; e++) {
                code.load(w[e]);
                code.load(r);
                code.insn(FALOAD);
                code.load(v[e]);
                code.insn(FMUL);
                code.insn(FADD);
            }
            code.insn(FASTORE);
        });
    }

    /**
     * The descriptor of a {@link BatchGroup} product: per operand {@code float[] vec} and one
     * {@code int} offset per row, then {@code size} output arrays, then the inputs buffer when the
     * group has one ({@link BatchGroup#inputs()}).
     */
    static String groupedDescriptor(List<Operand> operands, BatchGroup group) {
        int size = group.size();
        return "(" + ("[F" + "I".repeat(size)).repeat(operands.size()) + "[F".repeat(size)
                + (group.inputs() >= 0 ? "[F" : "") + ")V";
    }

    /** The grouped method's parameters: per operand its vector and one offset per row, one output per row, [cat]. */
    private static String[] groupedParameters(List<Operand> operands, BatchGroup group) {
        List<String> names = new ArrayList<>();
        for (Operand operand : operands) {
            names.add(vectorName(operand));
            for (int q = 0; q < group.size(); q++) {
                names.add(vectorName(operand) + "Off" + q);
            }
        }
        for (int q = 0; q < group.size(); q++) {
            names.add("out" + q);
        }
        if (group.inputs() >= 0) {
            names.add("cat");
        }
        return names.toArray(new String[0]);
    }

    /** {@link BatchGroup}: the looped gates for {@code size} rows, each weight row loaded once for all. */
    void emitGrouped(BatchGroup group, LoopedMatVec product) {
        int size = group.size();
        Code code = cls.helper(group.method(), groupedDescriptor(product.operands(), group),
                groupedParameters(product.operands(), group));
        for (int q = 0; q < size; q++) {
            code.line();
            start(code, product, code.local("out" + q));
        }
        for (LoopedMatVec.LoopedOperand operand : product.weights()) {
            inBlocks(code, operand, product.block(),
                    (k0, count) -> groupedBlock(code, product.rows(), operand, size, k0, count));
        }
        code.insn(RETURN);
        code.finish();
    }

    /**
     * {@code w_e = F[k0 + e]; v_q_e = vec[vecOff_q + k0 + e]}, then {@code for r < rows: for q < size:
     * out_q[r] = out_q[r] + w0[r] * v_q_0 + ...} (left to right).
     */
    private void groupedBlock(Code code, int rows, LoopedMatVec.LoopedOperand operand, int size, Code.Bound k0,
                              int count) {
        Code.Local vector = code.local(vectorName(operand.operand()));
        Code.Local[][] v = new Code.Local[size][count];
        Code.Local[] w = new Code.Local[count];
        for (int e = 0; e < count; e++) {
            w[e] = weightRow(code, operand, k0, e);
            for (int q = 0; q < size; q++) {
                code.load(vector);
                code.load(code.local(vectorName(operand.operand()) + "Off" + q));
                k0.push();
                code.insn(IADD);
                if (e > 0) {
                    code.pushInt(e);
                    code.insn(IADD);
                }
                code.insn(FALOAD);
                v[q][e] = code.storeNew("v" + q + "_" + e, Type.FLOAT_TYPE);
            }
        }
        for (int q = 0; q < size; q++) {
            axpy(code, code.local("out" + q), rows, w, v[q]);
        }
    }

    /**
     * One operand of a looped product, added to {@code out} ({@link LoopedMatVec}): whole blocks of
     * {@code block} input elements in a loop over {@code k}, then the remainder as one shorter block.
     */
    private void accumulate(Code code, int rows, LoopedMatVec.LoopedOperand operand, int block) {
        inBlocks(code, operand, block, (k0, count) -> accumulateBlock(code, rows, operand, k0, count));
    }

    /**
     * {@code v_e = vec[vecOff + k0 + e]; w_e = F[k0 + e]} for {@code e < count}, then
     * {@code for r < rows: out[r] = out[r] + w0[r] * v0 + w1[r] * v1 + ...} (left to right).
     */
    private void accumulateBlock(Code code, int rows, LoopedMatVec.LoopedOperand operand, Code.Bound k0, int count) {
        Code.Local out = code.local("out");
        Code.Local vector = code.local(vectorName(operand.operand()));
        Code.Local offset = code.local(vectorName(operand.operand()) + "Off");
        Code.Local[] v = new Code.Local[count];
        Code.Local[] w = new Code.Local[count];
        for (int e = 0; e < count; e++) {
            code.load(vector);
            code.load(offset);
            k0.push();
            code.insn(IADD);
            if (e > 0) {
                code.pushInt(e);
                code.insn(IADD);
            }
            code.insn(FALOAD);
            v[e] = code.storeNew("v" + e, Type.FLOAT_TYPE);
            w[e] = weightRow(code, operand, k0, e);
        }
        axpy(code, out, rows, w, v);
    }

    /**
     * {@link InputProjection}: the pre-pass computing {@code start + W x} for every position, tile
     * by tile, and the method adding {@code R h} to a {@code z} that already holds it. Per element
     * the additions keep the gates product's order (start, INPUT terms, STATE terms).
     */
    void emitInputProjection(InputProjection pre, LoopedMatVec gates) {
        emitPrePass(pre, gates);
        Code code = cls.helper(pre.recurrentMethod(), RECURRENT_DESCRIPTOR, parameterNames(List.of(Operand.STATE)));
        accumulate(code, gates.rows(), operand(gates, Operand.STATE), gates.block());
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

    /** The pre-pass method {@code (float[] in, float[] xz, int positions, float[] s0, ..., float[] s(P-1))}. */
    private Code prePassMethod(InputProjection pre) {
        String[] names = new String[3 + pre.tile()];
        names[0] = "in";
        names[1] = "xz";
        names[2] = "positions";
        for (int q = 0; q < pre.tile(); q++) {
            names[3 + q] = "s" + q;
        }
        return cls.helper(pre.method(), prePassDescriptor(pre), names);
    }

    /** {@link InputProjection}: whole passes of {@code tile} positions, then single positions. */
    private void emitPrePass(InputProjection pre, LoopedMatVec gates) {
        Code code = prePassMethod(pre);
        Code.Local positions = code.local("positions");
        int tile = pre.tile();
        if (tile > 1) {
            // int whole = positions - positions % tile;
            code.line();
            code.load(positions);
            code.load(positions);
            code.pushInt(tile);
            code.insn(IREM);
            code.insn(ISUB);
            Code.Local whole = code.storeNewInt("whole");
            code.line();
            code.forLoop("p0", () -> code.pushInt(0), () -> code.load(whole), tile,
                    p0 -> prePass(code, pre, gates, p0, tile));
            code.line();
            code.forLoop("p0", () -> code.load(whole), () -> code.load(positions), 1,
                    p0 -> prePass(code, pre, gates, p0, 1));
        } else {
            code.line();
            code.forLoop("p0", () -> code.pushInt(0), () -> code.load(positions), 1,
                    p0 -> prePass(code, pre, gates, p0, 1));
        }
        code.insn(RETURN);
        code.finish();
    }

    /** One pass over the input weights for {@code n} positions from {@code p0} (see {@link InputProjection}). */
    private void prePass(Code code, InputProjection pre, LoopedMatVec gates, Code.Local p0, int n) {
        LoopedMatVec.LoopedOperand input = operand(gates, Operand.INPUT);
        int rows = pre.rows();
        for (int q = 0; q < n; q++) {
            code.line();
            Code.Local sq = code.local("s" + q);
            if (gates.startField() != null) {
                code.getStatic(cls.owner(), gates.startField(), RuntimeTypes.FLOATS);
                code.pushInt(0);
                code.load(sq);
                code.pushInt(0);
                code.pushInt(rows);
                code.invokeStatic(RuntimeTypes.SYSTEM, "arraycopy", RuntimeTypes.ARRAYCOPY);
            } else {
                code.load(sq);
                code.pushInt(0);
                code.pushInt(rows);
                code.pushFloat(0f);
                code.invokeStatic(RuntimeTypes.ARRAYS, "fill", RuntimeTypes.FILL_RANGE);
            }
        }
        int block = pre.block();
        int whole = input.length() - input.length() % block;
        if (whole > 0) {
            code.line();
            code.forLoop("k", () -> code.pushInt(0), () -> code.pushInt(whole), block,
                    k -> prePassBlock(code, input, rows, p0, n, () -> code.load(k), block));
        }
        if (whole < input.length()) {
            code.line();
            int mark = code.scope();
            prePassBlock(code, input, rows, p0, n, () -> code.pushInt(whole), input.length() - whole);
            code.close(mark);
        }
        for (int q = 0; q < n; q++) {
            // System.arraycopy(s_q, 0, xz, (p0 + q) * G, G);
            code.line();
            code.load(code.local("s" + q));
            code.pushInt(0);
            code.load(code.local("xz"));
            code.load(p0);
            if (q > 0) {
                code.pushInt(q);
                code.insn(IADD);
            }
            code.pushInt(rows);
            code.insn(IMUL);
            code.pushInt(rows);
            code.invokeStatic(RuntimeTypes.SYSTEM, "arraycopy", RuntimeTypes.ARRAYCOPY);
        }
    }

    /** {@code w_e = W^T[k0 + e]; v_q_e = in[(p0 + q)*I + k0 + e]; for r: s_q[r] = s_q[r] + w_0[r]*v_q_0 + ...}. */
    private void prePassBlock(Code code, LoopedMatVec.LoopedOperand input, int rows, Code.Local p0, int n,
                              Code.Bound k0, int count) {
        Code.Local in = code.local("in");
        Code.Local[] w = new Code.Local[count];
        Code.Local[][] v = new Code.Local[n][count];
        for (int e = 0; e < count; e++) {
            w[e] = weightRow(code, input, k0, e);
            for (int q = 0; q < n; q++) {
                code.load(in);
                code.load(p0);
                if (q > 0) {
                    code.pushInt(q);
                    code.insn(IADD);
                }
                code.pushInt(input.length());
                code.insn(IMUL);
                k0.push();
                code.insn(IADD);
                if (e > 0) {
                    code.pushInt(e);
                    code.insn(IADD);
                }
                code.insn(FALOAD);
                v[q][e] = code.storeNew("v" + q + "_" + e, Type.FLOAT_TYPE);
            }
        }
        code.forLoop("r", 0, rows, r -> {
            for (int q = 0; q < n; q++) {
                code.load(code.local("s" + q));
                code.load(r);
                code.insn(DUP2);
                code.insn(FALOAD);
                for (int e = 0; e < count; e++) {
                    code.load(w[e]);
                    code.load(r);
                    code.insn(FALOAD);
                    code.load(v[q][e]);
                    code.insn(FMUL);
                    code.insn(FADD);
                }
                code.insn(FASTORE);
            }
        });
    }
}
