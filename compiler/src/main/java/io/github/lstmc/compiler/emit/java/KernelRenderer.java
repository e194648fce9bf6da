package io.github.lstmc.compiler.emit.java;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import io.github.lstmc.compiler.model.CellKind;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.plan.ActivationCall;
import io.github.lstmc.compiler.plan.BatchGroup;
import io.github.lstmc.compiler.plan.CellUpdate;
import io.github.lstmc.compiler.plan.DirectionPlan;
import io.github.lstmc.compiler.plan.HiddenUpdate;
import io.github.lstmc.compiler.plan.InputProjection;
import io.github.lstmc.compiler.plan.LoopedMatVec;
import io.github.lstmc.compiler.plan.MatVec;
import io.github.lstmc.compiler.plan.Operand;
import io.github.lstmc.compiler.plan.Term;
import io.github.lstmc.compiler.plan.UnrolledMatVec;
import io.github.lstmc.compiler.plan.UnrolledMethod;
import io.github.lstmc.compiler.plan.UnrolledRow;
import io.github.lstmc.compiler.plan.VectorMatVec;
import io.github.lstmc.runtime.Layout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.lang.model.element.Modifier;

/** Renders the methods of one {@link DirectionPlan} exactly as the plan's Javadoc specifies them. */
final class KernelRenderer {
    static final TypeName FLOATS = ArrayTypeName.of(TypeName.FLOAT);
    private static final ClassName ACTIVATIONS = ClassName.bestGuess(ActivationCall.RUNTIME_CLASS);
    private static final ClassName ARRAYS = ClassName.get(Arrays.class);
    private static final ClassName FLOAT_VECTOR = VectorActivations.FLOAT_VECTOR;
    /** Terms per Java statement of an unrolled row; longer rows continue in a local (same order). */
    private static final int TERMS_PER_STATEMENT = 24;

    private final Layout layout;

    KernelRenderer(Layout layout) {
        this.layout = layout;
    }

    /** The driver, then the gate product method(s), the cell update and the projection method(s). */
    List<MethodSpec> render(DirectionPlan d) {
        List<MethodSpec> methods = new ArrayList<>();
        methods.add(driver(d));
        if (d.inputProjection() == null) {
            methods.addAll(product(d.gates()));
        } else if (d.gates() instanceof VectorMatVec vectorGates) {
            methods.add(vectorPrePass(d.inputProjection(), vectorGates));
            methods.add(vectorRecurrent(d.inputProjection(), vectorGates));
        } else {
            LoopedMatVec gates = (LoopedMatVec) d.gates();
            methods.add(inputPrePass(d.inputProjection(), gates));
            methods.add(recurrentOnly(d.inputProjection(), gates));
        }
        if (d.hiddenUpdate() == null) {
            methods.add(cell(d.cell()));
        } else {
            methods.addAll(HiddenUpdateRenderer.methods(d.hiddenUpdate()));
        }
        if (d.projection() != null) {
            methods.addAll(product(d.projection()));
        }
        if (d.resetProduct() != null) {
            methods.addAll(product(d.resetProduct()));
        }
        if (d.batchGroup() != null) {
            methods.add(d.gates() instanceof VectorMatVec v ? groupedVector(d.batchGroup(), v)
                    : grouped(d.batchGroup(), (LoopedMatVec) d.gates()));
        }
        return methods;
    }

    private MethodSpec driver(DirectionPlan d) {
        int s = d.stateSize();
        int h = d.hiddenSize();
        MethodSpec.Builder m = MethodSpec.methodBuilder(d.method())
                .addJavadoc("Layer $L, $L direction: every batch row through its valid steps.\n",
                        d.stateIndex(), d.direction().name().toLowerCase(java.util.Locale.ROOT))
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(FLOATS, "in").addParameter(FLOATS, "out").addParameter(int.class, "batch")
                .addParameter(int.class, "steps").addParameter(int[].class, "lengths")
                .addParameter(FLOATS, "h").addParameter(FLOATS, "c").addParameter(FLOATS, "z")
                .addParameter(FLOATS, "hraw").addParameter(FLOATS, "pz").addParameter(FLOATS, "xz");
        for (int q = 1; q < BatchGroup.MAX_SIZE; q++) {
            m.addParameter(FLOATS, "z" + q);
        }
        InputProjection pre = d.inputProjection();
        CodeBlock gates = pre == null
                ? calls(d.gates(), "in, pos * " + d.inputWidth() + ", h, hOff, z")
                : CodeBlock.builder()
                        .addStatement("System.arraycopy(xz, pos * $L, z, 0, $L)", pre.rows(), pre.rows())
                        .addStatement("$L(h, hOff, z)", pre.recurrentMethod())
                        .build();
        BatchGroup group = d.batchGroup();
        String firstRow = "0";
        if (group != null) {
            int size = group.size();
            firstRow = "g";
            m.addStatement("int g = 0")
                    .beginControlFlow("if (lengths == null && steps > 0)")
                    .addComment("rows of equal length in lockstep, $L per pass over the gate weights", size)
                    .beginControlFlow("for (; g + $L <= batch; g += $L)", size, size)
                    .beginControlFlow("for (int n = 0; n < steps; n++)")
                    .addStatement(d.direction() == Direction.FORWARD ? "int t = n" : "int t = steps - 1 - n");
            StringBuilder args = new StringBuilder();
            for (Operand op : d.gates().operands()) {
                args.append(op == Operand.INPUT ? "in" : "h");
                for (int q = 0; q < size; q++) {
                    String row = q == 0 ? "g" : "g + " + q;
                    args.append(", ").append(op == Operand.INPUT
                            ? "(" + position(row) + ") * " + d.inputWidth()
                            : "(" + row + ") * " + s);
                }
                args.append(", ");
            }
            for (int q = 0; q < size; q++) {
                args.append(q == 0 ? "z" : ", z" + q);
            }
            if (group.inputs() >= 0) {
                args.append(", xz");
            }
            m.addStatement("$L($L)", group.method(), args);
            for (int q = 0; q < size; q++) {
                m.addCode("{\n$>")
                        .addStatement("int b = $L", q == 0 ? "g" : "g + " + q)
                        .addStatement("int hOff = b * $L", s);
                if (d.cellSize() > 0) {
                    m.addStatement("int cOff = b * $L", h);
                }
                m.addStatement("int pos = $L", position());
                rowTail(m, d, q == 0 ? "z" : "z" + q);
                m.addCode("$<}\n");
            }
            m.endControlFlow().endControlFlow().endControlFlow();
        }
        m.beginControlFlow("for (int b = $L; b < batch; b++)", firstRow)
                .addStatement("int len = lengths == null ? steps : lengths[b]")
                .addStatement("int hOff = b * $L", s);
        if (d.cellSize() > 0) {
            m.addStatement("int cOff = b * $L", h);
        }
        m.beginControlFlow("if (len == 0)")
                .addComment("no valid step: the final state is zero")
                .addStatement("$T.fill(h, hOff, hOff + $L, 0f)", ARRAYS, s);
        if (d.cellSize() > 0) {
            m.addStatement("$T.fill(c, cOff, cOff + $L, 0f)", ARRAYS, h);
        }
        m.endControlFlow()
                .beginControlFlow("for (int n = 0; n < len; n++)")
                .addStatement(d.direction() == Direction.FORWARD ? "int t = n" : "int t = len - 1 - n")
                .addStatement("int pos = $L", position())
                .addCode(gates);
        rowTail(m, d, "z");
        m.endControlFlow()
                .beginControlFlow("for (int t = len; t < steps; t++)")
                .addComment("outputs past the row's length are zero")
                .addStatement("int o = $L", offset("(" + position() + ")", d))
                .addStatement("$T.fill(out, o, o + $L, 0f)", ARRAYS, s)
                .endControlFlow()
                .endControlFlow();
        return m.build();
    }

    /** The step after the gates for row {@code b} (locals hOff, cOff, pos), its gates in {@code z}. */
    private static void rowTail(MethodSpec.Builder m, DirectionPlan d, String z) {
        int s = d.stateSize();
        HiddenUpdate u = d.hiddenUpdate();
        if (u != null && u.kind() == CellKind.RNN) {
            m.addStatement("$L($L, c, 0, h, hOff)", u.updateMethod(), z);
        } else if (u != null) {
            m.addStatement("$L($L, h, hOff, hraw, 0)", u.gatesMethod(), z)
                    .addCode(calls(d.resetProduct(), u.linearBeforeReset() ? "h, hOff, pz" : "hraw, 0, pz"))
                    .addStatement("$L($L, pz, 0, h, hOff)", u.updateMethod(), z);
        } else if (d.projection() == null) {
            m.addStatement("$L($L, c, cOff, h, hOff)", d.cell().method(), z);
        } else {
            m.addStatement("$L($L, c, cOff, hraw, 0)", d.cell().method(), z)
                    .addCode(calls(d.projection(), "hraw, 0, pz"))
                    .addStatement("System.arraycopy(pz, 0, h, hOff, $L)", s);
        }
        m.addStatement("System.arraycopy(h, hOff, out, $L, $L)", offset("pos", d), s);
    }

    /** {@code position * outputWidth + outputOffset}, without a "+ 0". */
    private static String offset(String position, DirectionPlan d) {
        return position + " * " + d.outputWidth() + (d.outputOffset() == 0 ? "" : " + " + d.outputOffset());
    }

    private String position() {
        return position("b");
    }

    /** {@code pos(row, t)} for a row expression (parenthesised when compound). */
    private String position(String row) {
        String r = row.contains(" ") ? "(" + row + ")" : row;
        return layout == Layout.BATCH_FIRST ? r + " * steps + t" : "t * batch + " + r;
    }

    static CodeBlock calls(MatVec product, String arguments) {
        CodeBlock.Builder b = CodeBlock.builder();
        if (product instanceof UnrolledMatVec u) {
            for (UnrolledMethod method : u.methods()) {
                b.addStatement("$L($L)", method.name(), arguments);
            }
        } else if (product instanceof LoopedMatVec l) {
            b.addStatement("$L($L)", l.method(), arguments);
        } else if (product instanceof VectorMatVec v) {
            b.addStatement("$L($L)", v.method(), arguments);
        }
        return b.build();
    }

    static List<MethodSpec> product(MatVec product) {
        if (product instanceof UnrolledMatVec u) {
            List<MethodSpec> methods = new ArrayList<>();
            for (UnrolledMethod method : u.methods()) {
                methods.add(unrolled(u, method));
            }
            return methods;
        }
        if (product instanceof VectorMatVec v) {
            return List.of(vectorized(v));
        }
        return List.of(looped((LoopedMatVec) product));
    }

    private static MethodSpec.Builder productMethod(String name, List<Operand> operands) {
        MethodSpec.Builder m = MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE, Modifier.STATIC);
        for (Operand op : operands) {
            m.addParameter(FLOATS, vector(op)).addParameter(int.class, vector(op) + "Off");
        }
        return m.addParameter(FLOATS, "out");
    }

    private static String vector(Operand op) {
        return op == Operand.INPUT ? "x" : "h";
    }

    private static MethodSpec unrolled(UnrolledMatVec product, UnrolledMethod method) {
        MethodSpec.Builder m = productMethod(method.name(), product.operands())
                .addJavadoc("Rows $L..$L of $L, weights folded in.\n", method.rows().get(0).row(),
                        method.rows().get(method.rows().size() - 1).row(), product.rows());
        for (UnrolledRow row : method.rows()) {
            List<Term> terms = row.terms();
            if (terms.size() <= TERMS_PER_STATEMENT) {
                m.addStatement("out[$L] = $L", row.row(), sum(JavaText.floatLiteral(row.start()), terms));
                continue;
            }
            m.addStatement("float r$L = $L", row.row(),
                    sum(JavaText.floatLiteral(row.start()), terms.subList(0, TERMS_PER_STATEMENT)));
            for (int from = TERMS_PER_STATEMENT; from < terms.size(); from += TERMS_PER_STATEMENT) {
                List<Term> part = terms.subList(from, Math.min(terms.size(), from + TERMS_PER_STATEMENT));
                m.addStatement("r$L = $L", row.row(), sum("r" + row.row(), part));
            }
            m.addStatement("out[$L] = r$L", row.row(), row.row());
        }
        return m.build();
    }

    /**
     * {@code start + t0 + t1 ...}, left to right; a negative weight renders as a subtraction of its
     * magnitude's product, which is bit-identical ({@code a + (-w)*v == a - w*v} exactly in IEEE 754).
     */
    private static CodeBlock sum(String start, List<Term> terms) {
        CodeBlock.Builder b = CodeBlock.builder().add("$L", start);
        for (Term t : terms) {
            String element = t.index() == 0 ? vector(t.operand()) + "[" + vector(t.operand()) + "Off]"
                    : vector(t.operand()) + "[" + vector(t.operand()) + "Off + " + t.index() + "]";
            boolean negative = t.weight() < 0f;
            float magnitude = Math.abs(t.weight());
            b.add("$W$L ", negative ? "-" : "+");
            if (magnitude == 1f) {
                b.add("$L", element);
            } else {
                b.add("$L * $L", JavaText.floatLiteral(magnitude), element);
            }
        }
        return b.build();
    }

    private static MethodSpec inputPrePass(InputProjection pre, LoopedMatVec gates) {
        int tile = pre.tile();
        MethodSpec.Builder m = MethodSpec.methodBuilder(pre.method())
                .addJavadoc("start + W x for every position, $L positions per pass over the weights.\n", tile)
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(FLOATS, "in").addParameter(FLOATS, "xz").addParameter(int.class, "positions");
        for (int q = 0; q < tile; q++) {
            m.addParameter(FLOATS, "s" + q);
        }
        if (tile > 1) {
            m.addStatement("int whole = positions - positions % $L", tile)
                    .beginControlFlow("for (int p0 = 0; p0 < whole; p0 += $L)", tile);
            prePass(m, pre, gates, tile);
            m.endControlFlow()
                    .beginControlFlow("for (int p0 = whole; p0 < positions; p0++)");
        } else {
            m.beginControlFlow("for (int p0 = 0; p0 < positions; p0++)");
        }
        prePass(m, pre, gates, 1);
        return m.endControlFlow().build();
    }

    /** One pass of the pre-pass over the weights for {@code n} positions from {@code p0}. */
    private static void prePass(MethodSpec.Builder m, InputProjection pre, LoopedMatVec gates, int n) {
        LoopedMatVec.LoopedOperand input = operand(gates, Operand.INPUT);
        int rows = pre.rows();
        for (int q = 0; q < n; q++) {
            if (gates.startField() != null) {
                m.addStatement("System.arraycopy($L, 0, s$L, 0, $L)", gates.startField(), q, rows);
            } else {
                m.addStatement("$T.fill(s$L, 0, $L, 0f)", ARRAYS, q, rows);
            }
        }
        int block = pre.block();
        int whole = input.length() - input.length() % block;
        if (whole > 0) {
            m.beginControlFlow("for (int k = 0; k < $L; k += $L)", whole, block);
            prePassBlock(m, input, rows, n, "k", block);
            m.endControlFlow();
        }
        if (whole < input.length()) {
            m.addCode("{\n$>");
            prePassBlock(m, input, rows, n, String.valueOf(whole), input.length() - whole);
            m.addCode("$<}\n");
        }
        for (int q = 0; q < n; q++) {
            m.addStatement("System.arraycopy(s$L, 0, xz, $L * $L, $L)", q, q == 0 ? "p0" : "(p0 + " + q + ")", rows,
                    rows);
        }
    }

    private static void prePassBlock(MethodSpec.Builder m, LoopedMatVec.LoopedOperand input, int rows, int n,
                                     String k0, int count) {
        for (int e = 0; e < count; e++) {
            String k = e == 0 ? k0 : k0.equals("k") ? "k + " + e : String.valueOf(Integer.parseInt(k0) + e);
            m.addStatement("float[] w$L = $L[$L]", e, input.field(), k);
            for (int q = 0; q < n; q++) {
                m.addStatement("float v$L_$L = in[$L * $L + $L]", q, e, q == 0 ? "p0" : "(p0 + " + q + ")",
                        input.length(), k);
            }
        }
        m.beginControlFlow("for (int r = 0; r < $L; r++)", rows);
        for (int q = 0; q < n; q++) {
            CodeBlock.Builder sum = CodeBlock.builder().add("s$L[r]", q);
            for (int e = 0; e < count; e++) {
                sum.add(" +$Ww$L[r] * v$L_$L", e, q, e);
            }
            m.addStatement("s$L[r] = $L", q, sum.build());
        }
        m.endControlFlow();
    }

    private static MethodSpec recurrentOnly(InputProjection pre, LoopedMatVec gates) {
        MethodSpec.Builder m = MethodSpec.methodBuilder(pre.recurrentMethod())
                .addJavadoc("Adds R h to z, which holds the precomputed start + W x.\n")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(FLOATS, "h").addParameter(int.class, "hOff").addParameter(FLOATS, "out");
        addLoops(m, gates.rows(), operand(gates, Operand.STATE), gates.block());
        return m.build();
    }

    private static LoopedMatVec.LoopedOperand operand(LoopedMatVec product, Operand which) {
        return product.weights().stream().filter(w -> w.operand() == which).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(product.method() + " has no " + which + " operand"));
    }

    /**
     * One operand of a looped product: whole blocks of {@code block} input elements in a loop over
     * {@code k}, then the remainder as one shorter block; each block one pass over {@code out}.
     */
    private static void addLoops(MethodSpec.Builder m, int rows, LoopedMatVec.LoopedOperand op, int block) {
        int whole = op.length() - op.length() % block;
        if (whole > 0) {
            m.beginControlFlow("for (int k = 0; k < $L; k += $L)", whole, block);
            addBlock(m, rows, op, "k", block);
            m.endControlFlow();
        }
        if (whole < op.length()) {
            m.addCode("{\n$>");
            addBlock(m, rows, op, String.valueOf(whole), op.length() - whole);
            m.addCode("$<}\n");
        }
    }

    /** {@code out[r] = out[r] + w0[r] * v0 + ...} for {@code count} input elements from {@code k0}. */
    private static void addBlock(MethodSpec.Builder m, int rows, LoopedMatVec.LoopedOperand op, String k0,
                                 int count) {
        String v = vector(op.operand());
        CodeBlock.Builder sum = CodeBlock.builder().add("out[r]");
        for (int e = 0; e < count; e++) {
            String k = e == 0 ? k0 : k0.equals("k") ? "k + " + e : String.valueOf(Integer.parseInt(k0) + e);
            m.addStatement("float v$L = $L[$LOff + $L]", e, v, v, k);
            m.addStatement("float[] w$L = $L[$L]", e, op.field(), k);
            sum.add(" +$Ww$L[r] * v$L", e, e);
        }
        m.beginControlFlow("for (int r = 0; r < $L; r++)", rows)
                .addStatement("out[r] = $L", sum.build())
                .endControlFlow();
    }

    /** {@link BatchGroup}: the gates product for {@code size} rows, one pass over the weights for all. */
    private static MethodSpec grouped(BatchGroup group, LoopedMatVec product) {
        int size = group.size();
        MethodSpec.Builder m = groupedSignature(group, product.method(), product.operands());
        for (int q = 0; q < size; q++) {
            if (product.startField() != null) {
                m.addStatement("System.arraycopy($L, 0, out$L, 0, $L)", product.startField(), q, product.rows());
            } else {
                m.addStatement("$T.fill(out$L, 0, $L, 0f)", ARRAYS, q, product.rows());
            }
        }
        int block = product.block();
        for (LoopedMatVec.LoopedOperand op : product.weights()) {
            int whole = op.length() - op.length() % block;
            if (whole > 0) {
                m.beginControlFlow("for (int k = 0; k < $L; k += $L)", whole, block);
                groupedBlock(m, product.rows(), op, size, "k", block);
                m.endControlFlow();
            }
            if (whole < op.length()) {
                m.addCode("{\n$>");
                groupedBlock(m, product.rows(), op, size, String.valueOf(whole), op.length() - whole);
                m.addCode("$<}\n");
            }
        }
        return m.build();
    }

    /** The grouped method: per operand its vector and one offset per row, then one output per row. */
    private static MethodSpec.Builder groupedSignature(BatchGroup group, String product, List<Operand> operands) {
        int size = group.size();
        MethodSpec.Builder m = MethodSpec.methodBuilder(group.method())
                .addJavadoc("$L for $L batch rows at once: each weight loaded serves every row.\n", product, size)
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC);
        for (Operand op : operands) {
            m.addParameter(FLOATS, vector(op));
            for (int q = 0; q < size; q++) {
                m.addParameter(int.class, vector(op) + "Off" + q);
            }
        }
        for (int q = 0; q < size; q++) {
            m.addParameter(FLOATS, "out" + q);
        }
        if (group.inputs() >= 0) {
            m.addParameter(FLOATS, "cat");
        }
        return m;
    }

    /** {@code out_q[r] = out_q[r] + w0[r] * v_q_0 + ...} for every row q, {@code count} elements from {@code k0}. */
    private static void groupedBlock(MethodSpec.Builder m, int rows, LoopedMatVec.LoopedOperand op, int size,
                                     String k0, int count) {
        String v = vector(op.operand());
        for (int e = 0; e < count; e++) {
            String k = e == 0 ? k0 : k0.equals("k") ? "k + " + e : String.valueOf(Integer.parseInt(k0) + e);
            m.addStatement("float[] w$L = $L[$L]", e, op.field(), k);
            for (int q = 0; q < size; q++) {
                m.addStatement("float v$L_$L = $L[$LOff$L + $L]", q, e, v, v, q, k);
            }
        }
        for (int q = 0; q < size; q++) {
            CodeBlock.Builder sum = CodeBlock.builder().add("out$L[r]", q);
            for (int e = 0; e < count; e++) {
                sum.add(" +$Ww$L[r] * v$L_$L", e, q, e);
            }
            m.beginControlFlow("for (int r = 0; r < $L; r++)", rows)
                    .addStatement("out$L[r] = $L", q, sum.build())
                    .endControlFlow();
        }
    }

    private static MethodSpec looped(LoopedMatVec product) {
        MethodSpec.Builder m = productMethod(product.method(), product.operands())
                .addJavadoc("$L rows by fixed-bound loops over transposed weight rows (vectorized by C2).\n",
                        product.rows());
        if (product.startField() != null) {
            m.addStatement("System.arraycopy($L, 0, out, 0, $L)", product.startField(), product.rows());
        } else {
            m.addStatement("$T.fill(out, 0, $L, 0f)", ARRAYS, product.rows());
        }
        for (LoopedMatVec.LoopedOperand op : product.weights()) {
            addLoops(m, product.rows(), op, product.block());
        }
        return m.build();
    }

    /** {@link VectorMatVec}: register-blocked chunks of vector columns, then the scalar tail. */
    private static MethodSpec vectorized(VectorMatVec product) {
        MethodSpec.Builder m = productMethod(product.method(), product.operands())
                .addJavadoc("$L rows with the Vector API: accumulators in registers, weights in strips of $L rows.\n",
                        product.rows(), VectorMatVec.STRIP);
        concatenation(m, product);
        singleRow(m, product, 0, false);
        return m.build();
    }

    /**
     * {@link InputProjection} of a {@link VectorMatVec}: the STATE part only ({@code k} from the
     * INPUT length on), accumulated onto the {@code out} the driver filled from {@code xz}.
     */
    private static MethodSpec vectorRecurrent(InputProjection pre, VectorMatVec product) {
        int inputs = product.lengths().get(0);
        MethodSpec.Builder m = productMethod(pre.recurrentMethod(), List.of(Operand.STATE))
                .addJavadoc("The recurrent part of $L, added to the precomputed input part in out.\n", product.method())
                .addStatement("float[] cat = h")
                .addStatement("int catOff = hOff - $L", inputs);
        singleRow(m, product, inputs, true);
        return m.build();
    }

    /** Chunks, the remaining block and the tail of one row, over {@code k} from {@code from}. */
    private static void singleRow(MethodSpec.Builder m, VectorMatVec product, int from, boolean startFromOut) {
        int full = product.vectorColumns();
        int chunks = full / VectorMatVec.CHUNK;
        if (chunks > 0) {
            m.beginControlFlow("for (int q = 0; q < $L; q++)", chunks);
            m.addStatement("int o = q * $L", VectorMatVec.CHUNK * VectorMatVec.LANES);
            m.addStatement("int s = q * $L", VectorMatVec.CHUNK / 2);
            vectorBlock(m, product, VectorMatVec.CHUNK, from, startFromOut);
            m.endControlFlow();
        }
        int rest = full % VectorMatVec.CHUNK;
        if (rest > 0) {
            int c0 = full - rest;
            m.addCode("{\n$>");
            m.addStatement("int o = $L", c0 * VectorMatVec.LANES);
            m.addStatement("int s = $L", c0 / 2);
            vectorBlock(m, product, rest, from, startFromOut);
            m.addCode("$<}\n");
        }
        scalarTail(m, product, new RowIo("cat", "catOff", "out", null), from, product.inputLength(), startFromOut);
    }

    /**
     * Where one row of a kernel reads its input ({@code in[inBase + k]}, or {@code in[k * stride +
     * lane]} when the rows of a group are interleaved) and writes its output ({@code out[outBase + r]});
     * a null base is 0. Bases are fixed in the loops; a group reads its rows interleaved from one
     * array, the layout that measured fastest ({@link VectorMatVec}).
     */
    private record RowIo(String in, String inBase, String out, String outBase, int stride, int lane) {
        RowIo(String in, String inBase, String out, String outBase) {
            this(in, inBase, out, outBase, 1, 0);
        }

        /** {@code in[inBase + k]}, or {@code in[k * stride + lane]} for interleaved rows. */
        String input(String k) {
            if (stride != 1) {
                return in + "[" + k + " * " + stride + " + " + lane + "]";
            }
            return in + "[" + (inBase == null ? k : inBase + " + " + k) + "]";
        }

        String output(String r) {
            return outBase == null ? r : outBase + " + " + r;
        }
    }

    /**
     * {@code catOff}: the inputs of the single-row method as one vector, copied after the rows of
     * {@code out} when there are several operands ({@code cat = out}), else the operand itself.
     */
    private static void concatenation(MethodSpec.Builder m, VectorMatVec product) {
        if (product.concatenates()) {
            copyOperands(m, product);
            m.addStatement("float[] cat = out").addStatement("int catOff = $L", product.rows());
        } else {
            String v = vector(product.operands().get(0));
            m.addStatement("float[] cat = $L", v).addStatement("int catOff = $LOff", v);
        }
    }

    /** {@code System.arraycopy} of every operand to {@code out[rows ..]}, in order. */
    private static void copyOperands(MethodSpec.Builder m, VectorMatVec product) {
        int at = product.rows();
        for (int op = 0; op < product.operands().size(); op++) {
            String v = vector(product.operands().get(op));
            m.addStatement("System.arraycopy($L, $LOff, out, $L, $L)", v, v, at, product.lengths().get(op));
            at += product.lengths().get(op);
        }
    }

    /**
     * The rows past the whole vectors of one row ({@code io}): {@code Math.fma} over {@code k} in
     * {@code [from, to)}, in the lanes' order.
     */
    private static void scalarTail(MethodSpec.Builder m, VectorMatVec product, RowIo io, int from, int to,
                                   boolean startFromOut) {
        int first = product.vectorColumns() * VectorMatVec.LANES;
        if (first == product.rows()) {
            return;
        }
        String element = io.out() + "[" + io.output("r") + "]";
        m.beginControlFlow("for (int r = $L; r < $L; r++)", first, product.rows());
        m.addStatement("float acc = $L", startFromOut ? element
                : product.startField() == null ? "0f" : product.startField() + "[r]");
        m.addStatement("float[] p = $L[r >> $L]", product.field(), Integer.numberOfTrailingZeros(VectorMatVec.STRIP));
        m.addStatement("int j = r & $L", VectorMatVec.STRIP - 1);
        m.beginControlFlow("for (int k = $L; k < $L; k++)", from, to)
                .addStatement("acc = Math.fma(p[k * $L + j], $L, acc)", VectorMatVec.STRIP, io.input("k"))
                .endControlFlow();
        m.addStatement("$L = acc", element);
        m.endControlFlow();
    }

    /** {@link BatchGroup} of a {@link VectorMatVec}: per strip, one weight load for every row's accumulators. */
    private static MethodSpec groupedVector(BatchGroup group, VectorMatVec product) {
        int size = group.size();
        MethodSpec.Builder m = groupedSignature(group, product.method(), product.operands());
        List<RowIo> rows = new ArrayList<>();
        for (int q = 0; q < size; q++) {
            int at = 0;
            for (int op = 0; op < product.operands().size(); op++) {
                String v = vector(product.operands().get(op));
                m.beginControlFlow("for (int k = 0; k < $L; k++)", product.lengths().get(op))
                        .addStatement("cat[$L * $L + $L] = $L[$LOff$L + k]", at == 0 ? "k" : "(" + at + " + k)", size, q,
                                v, v, q)
                        .endControlFlow();
                at += product.lengths().get(op);
            }
            rows.add(new RowIo("cat", null, "out" + q, null, size, q));
        }
        groupedStrips(m, product, rows, product.inputLength());
        for (RowIo row : rows) {
            scalarTail(m, product, row, 0, product.inputLength(), false);
        }
        return m.build();
    }

    /**
     * {@link InputProjection} of a {@link VectorMatVec}: {@code start + W x} of every position into
     * {@code xz}, {@value BatchGroup#VECTOR_SIZE} positions per pass over the INPUT weights (the
     * grouped kernel with positions as rows), the remaining positions one by one.
     */
    private static MethodSpec vectorPrePass(InputProjection pre, VectorMatVec product) {
        MethodSpec.Builder m = MethodSpec.methodBuilder(pre.method())
                .addJavadoc("The input part of $L for every position, $L positions per pass over the weights.\n",
                        product.method(), BatchGroup.VECTOR_SIZE)
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(FLOATS, "in").addParameter(FLOATS, "xz").addParameter(int.class, "positions");
        for (int q = 0; q < pre.tile(); q++) {
            m.addParameter(FLOATS, "s" + q);
        }
        int inputs = product.lengths().get(0);
        m.addStatement("int whole = positions - positions % $L", BatchGroup.VECTOR_SIZE);
        m.beginControlFlow("for (int p0 = 0; p0 < whole; p0 += $L)", BatchGroup.VECTOR_SIZE);
        prePassPositions(m, product, inputs, BatchGroup.VECTOR_SIZE);
        m.endControlFlow();
        m.beginControlFlow("for (int p0 = whole; p0 < positions; p0++)");
        prePassPositions(m, product, inputs, 1);
        m.endControlFlow();
        return m.build();
    }

    /** {@code n} positions from {@code p0}: row q reads {@code in} at {@code (p0+q)*I} and writes {@code xz} at {@code (p0+q)*G}. */
    private static void prePassPositions(MethodSpec.Builder m, VectorMatVec product, int inputs, int n) {
        m.addStatement("int b = p0 * $L", inputs).addStatement("int xo = p0 * $L", product.rows());
        List<RowIo> rows = new ArrayList<>();
        for (int q = 0; q < n; q++) {
            rows.add(new RowIo("in", plus("b", q * inputs), "xz", plus("xo", q * product.rows())));
        }
        groupedStrips(m, product, rows, inputs);
        for (RowIo row : rows) {
            scalarTail(m, product, row, 0, inputs, false);
        }
    }

    /** Every whole strip, then the last single vector column when there is one, for every row. */
    private static void groupedStrips(MethodSpec.Builder m, VectorMatVec product, List<RowIo> rows, int to) {
        int strips = product.rows() / VectorMatVec.STRIP;
        if (strips > 0) {
            m.beginControlFlow("for (int s = 0; s < $L; s++)", strips);
            m.addStatement("int o = s * $L", VectorMatVec.STRIP);
            m.addStatement("float[] p = $L[s]", product.field());
            groupedVectorBlock(m, product, rows, 2, to);
            m.endControlFlow();
        }
        if (product.vectorColumns() % 2 != 0) {
            m.addCode("{\n$>");
            m.addStatement("int o = $L", strips * VectorMatVec.STRIP);
            m.addStatement("float[] p = $L[$L]", product.field(), strips);
            groupedVectorBlock(m, product, rows, 1, to);
            m.addCode("$<}\n");
        }
    }

    /** {@code width} vectors from output row {@code o} of strip {@code p}, for every row, over {@code k < to}. */
    private static void groupedVectorBlock(MethodSpec.Builder m, VectorMatVec product, List<RowIo> rows, int width,
                                           int to) {
        int size = rows.size();
        // each start vector loaded once and shared: loading it once per row measured 2x slower
        for (int e = 0; e < width; e++) {
            if (product.startField() == null) {
                m.addStatement("$T b$L = $T.zero($T.SPECIES_256)", FLOAT_VECTOR, e, FLOAT_VECTOR, FLOAT_VECTOR);
            } else {
                m.addStatement("$T b$L = $T.fromArray($T.SPECIES_256, $L, $L)", FLOAT_VECTOR, e, FLOAT_VECTOR,
                        FLOAT_VECTOR, product.startField(), plus("o", e * VectorMatVec.LANES));
            }
        }
        for (int q = 0; q < size; q++) {
            for (int e = 0; e < width; e++) {
                m.addStatement("$T a$L_$L = b$L", FLOAT_VECTOR, q, e, e);
            }
        }
        m.beginControlFlow("for (int k = 0; k < $L; k++)", to)
                .addStatement("int i = k * $L", VectorMatVec.STRIP);
        for (int e = 0; e < width; e++) {
            m.addStatement("$T w$L = $T.fromArray($T.SPECIES_256, p, $L)", FLOAT_VECTOR, e, FLOAT_VECTOR, FLOAT_VECTOR,
                    plus("i", e * VectorMatVec.LANES));
        }
        for (int q = 0; q < size; q++) {
            m.addStatement("$T y$L = $T.broadcast($T.SPECIES_256, $L)", FLOAT_VECTOR, q, FLOAT_VECTOR, FLOAT_VECTOR,
                    rows.get(q).input("k"));
            for (int e = 0; e < width; e++) {
                m.addStatement("a$L_$L = w$L.fma(y$L, a$L_$L)", q, e, e, q, q, e);
            }
        }
        m.endControlFlow();
        for (int q = 0; q < size; q++) {
            for (int e = 0; e < width; e++) {
                m.addStatement("a$L_$L.intoArray($L, $L)", q, e, rows.get(q).out(),
                        rows.get(q).output(plus("o", e * VectorMatVec.LANES)));
            }
        }
    }

    /**
     * {@code n} vector columns from output row {@code o} (strips from {@code s}) held in registers
     * a0..a(n-1), over {@code k} from {@code from}; they start from the start field (or zero), or
     * from {@code out} itself.
     */
    private static void vectorBlock(MethodSpec.Builder m, VectorMatVec product, int n, int from,
                                    boolean startFromOut) {
        for (int e = 0; e < n; e++) {
            String start = startFromOut ? "out" : product.startField();
            if (start == null) {
                m.addStatement("$T a$L = $T.zero($T.SPECIES_256)", FLOAT_VECTOR, e, FLOAT_VECTOR, FLOAT_VECTOR);
            } else {
                m.addStatement("$T a$L = $T.fromArray($T.SPECIES_256, $L, $L)", FLOAT_VECTOR, e, FLOAT_VECTOR,
                        FLOAT_VECTOR, start, plus("o", e * VectorMatVec.LANES));
            }
        }
        for (int p = 0; p < (n + 1) / 2; p++) {
            m.addStatement("float[] p$L = $L[$L]", p, product.field(), plus("s", p));
        }
        m.beginControlFlow("for (int k = $L; k < $L; k++)", from, product.inputLength())
                .addStatement("$T v = $T.broadcast($T.SPECIES_256, cat[catOff + k])", FLOAT_VECTOR, FLOAT_VECTOR,
                        FLOAT_VECTOR)
                .addStatement("int i = k * $L", VectorMatVec.STRIP);
        for (int e = 0; e < n; e++) {
            m.addStatement("a$L = $T.fromArray($T.SPECIES_256, p$L, $L).fma(v, a$L)", e, FLOAT_VECTOR, FLOAT_VECTOR,
                    e / 2, plus("i", e % 2 * VectorMatVec.LANES), e);
        }
        m.endControlFlow();
        for (int e = 0; e < n; e++) {
            m.addStatement("a$L.intoArray(out, $L)", e, plus("o", e * VectorMatVec.LANES));
        }
    }

    /** {@code "name + delta"}, or just the name when delta is 0. */
    private static String plus(String name, int delta) {
        return delta == 0 ? name : name + " + " + delta;
    }

    private static MethodSpec cell(CellUpdate u) {
        int h = u.hiddenSize();
        int cell = u.cellOffset();
        String cellElement = "z[" + cell + " + j]";
        CodeBlock cellVector = VectorActivations.load("z", cell + " + j");
        MethodSpec.Builder m = MethodSpec.methodBuilder(u.method())
                .addJavadoc("The elementwise cell update of one step, in place on z (gates, then the cell at $L),\n"
                        + (u.vectorized() ? "with the Vector API, the preferred species' lanes at a time, then the remaining elements.\n"
                        : "one activation per loop so that C2 vectorizes every pass.\n"), cell)
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(FLOATS, "z").addParameter(FLOATS, "c").addParameter(int.class, "cOff")
                .addParameter(FLOATS, "out").addParameter(int.class, "outOff")
                .addStatement("System.arraycopy(c, cOff, z, $L, $L)", cell, h);
        int merged = u.mergedGateBlocks();
        if (merged > 0) {
            pass(m, u, merged * h, () -> {
                m.addStatement("$T zx = $L", FLOAT_VECTOR, VectorActivations.load("z", "j"));
                if (u.hasPreActivationClip()) {
                    m.addStatement("zx = $L", VectorActivations.clamp("zx", u.preActivationClip()));
                }
                m.addStatement("$L.intoArray(z, j)", VectorActivations.apply(m, u.gate(), "zx"));
            }, () -> {
                m.addStatement("float zx = z[j]");
                if (u.hasPreActivationClip()) {
                    m.addStatement("zx = $T.clamp(zx, $L)", ACTIVATIONS, JavaText.floatLiteral(u.preActivationClip()));
                }
                m.addStatement("z[j] = $L", apply(u.gate(), "zx"));
            });
        } else {
            gatePass(m, u, "zi", u.slotInput(), u.peepholeInput(), u.gate());
            if (!u.coupled()) {
                gatePass(m, u, "zf", u.slotForget(), u.peepholeForget(), u.gate());
            }
        }
        gatePass(m, u, "zg", u.slotCell(), null, u.cell());
        pass(m, u, h, () -> {
            m.addStatement("$T cp = $L", FLOAT_VECTOR, cellVector)
                    .addStatement("$T i = $L", FLOAT_VECTOR, vectorElement(u, u.slotInput()));
            if (u.coupled()) {
                m.addStatement("$T f = $T.broadcast($L, 1f).sub(i)", FLOAT_VECTOR, FLOAT_VECTOR,
                        VectorActivations.species());
            } else {
                m.addStatement("$T f = $L", FLOAT_VECTOR, vectorElement(u, u.slotForget()));
            }
            m.addStatement("$T g = $L", FLOAT_VECTOR, vectorElement(u, u.slotCell()))
                    .addStatement("$T cn = f.mul(cp).add(i.mul(g))", FLOAT_VECTOR);
            if (u.hasCellClip()) {
                m.addStatement("cn = $L", VectorActivations.clamp("cn", u.cellClip()));
            }
            m.addStatement("cn.intoArray(z, $L + j)", cell);
        }, () -> {
            m.addStatement("float cp = $L", cellElement)
                    .addStatement("float i = $L", element(u, u.slotInput()));
            if (u.coupled()) {
                m.addStatement("float f = 1f - i");
            } else {
                m.addStatement("float f = $L", element(u, u.slotForget()));
            }
            m.addStatement("float g = $L", element(u, u.slotCell()))
                    .addStatement("float cn = f * cp + i * g");
            if (u.hasCellClip()) {
                m.addStatement("cn = $T.clamp(cn, $L)", ACTIVATIONS, JavaText.floatLiteral(u.cellClip()));
            }
            m.addStatement("$L = cn", cellElement);
        });
        if (merged == 0) {
            gatePass(m, u, "zo", u.slotOutput(), u.peepholeOutput(), u.gate());
        }
        String o = element(u, u.slotOutput());
        pass(m, u, h, () -> {
            m.addStatement("$T hc = $L", FLOAT_VECTOR, cellVector);
            CodeBlock hidden = VectorActivations.apply(m, u.hidden(), "hc");
            m.addStatement("$L.mul($L).intoArray(z, $L)", vectorElement(u, u.slotOutput()), hidden,
                    vectorIndex(u, u.slotOutput()));
        }, () -> m.addStatement("$L = $L * $L", o, o, apply(u.hidden(), cellElement)));
        return m.addStatement("System.arraycopy(z, $L, c, cOff, $L)", cell, h)
                .addStatement("System.arraycopy(z, $L, out, outOff, $L)", u.slotOutput() * h, h)
                .build();
    }

    /** One pass over {@code j < n} ({@link VectorActivations#pass}). */
    private static void pass(MethodSpec.Builder m, CellUpdate u, int n, Runnable vector, Runnable scalar) {
        VectorActivations.pass(m, u.vectorized(), n, vector, scalar);
    }

    /** {@code for j: float zX = z[X + j]; [peephole] [clip] z[X + j] = act(zX);} (as a {@link #pass}). */
    private static void gatePass(MethodSpec.Builder m, CellUpdate u, String name, int slot, String peephole,
                                 ActivationCall activation) {
        String cellIndex = u.cellOffset() + " + j";
        pass(m, u, u.hiddenSize(), () -> {
            m.addStatement("$T $L = $L", FLOAT_VECTOR, name, vectorElement(u, slot));
            if (peephole != null) {
                m.addStatement("$L = $L.add($L.mul($L))", name, name, VectorActivations.load(peephole, "j"),
                        VectorActivations.load("z", cellIndex));
            }
            if (u.hasPreActivationClip()) {
                m.addStatement("$L = $L", name, VectorActivations.clamp(name, u.preActivationClip()));
            }
            m.addStatement("$L.intoArray(z, $L)", VectorActivations.apply(m, activation, name), vectorIndex(u, slot));
        }, () -> {
            gate(m, u, name, slot, peephole, "z[" + cellIndex + "]");
            m.addStatement("$L = $L", element(u, slot), apply(activation, name));
        });
    }

    /** {@code z[slot*H + j]}, without a "0 + ". */
    private static String element(CellUpdate u, int slot) {
        return "z[" + vectorIndex(u, slot) + "]";
    }

    /** {@code slot*H + j}, without a "0 + ". */
    private static String vectorIndex(CellUpdate u, int slot) {
        int offset = slot * u.hiddenSize();
        return offset == 0 ? "j" : offset + " + j";
    }

    /** {@code FloatVector.fromArray(SPECIES_256, z, slot*H + j)}. */
    private static CodeBlock vectorElement(CellUpdate u, int slot) {
        return VectorActivations.load("z", vectorIndex(u, slot));
    }

    private static void gate(MethodSpec.Builder m, CellUpdate u, String name, int slot, String peephole, String cell) {
        m.addStatement("float $L = $L", name, element(u, slot));
        if (peephole != null) {
            m.addStatement("$L = $L + $L[j] * $L", name, name, peephole, cell);
        }
        if (u.hasPreActivationClip()) {
            m.addStatement("$L = $T.clamp($L, $L)", name, ACTIVATIONS, name,
                    JavaText.floatLiteral(u.preActivationClip()));
        }
    }

    static CodeBlock apply(ActivationCall call, String x) {
        if (call.isIdentity()) {
            return CodeBlock.of("$L", x);
        }
        CodeBlock.Builder b = CodeBlock.builder().add("$T.$L($L", ACTIVATIONS, call.method(), x);
        for (Float argument : call.arguments()) {
            b.add(", $L", JavaText.floatLiteral(argument));
        }
        return b.add(")").build();
    }
}
