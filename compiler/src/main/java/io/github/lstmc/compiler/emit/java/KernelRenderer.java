package io.github.lstmc.compiler.emit.java;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.plan.ActivationCall;
import io.github.lstmc.compiler.plan.CellUpdate;
import io.github.lstmc.compiler.plan.DirectionPlan;
import io.github.lstmc.compiler.plan.LoopedMatVec;
import io.github.lstmc.compiler.plan.MatVec;
import io.github.lstmc.compiler.plan.Operand;
import io.github.lstmc.compiler.plan.Term;
import io.github.lstmc.compiler.plan.UnrolledMatVec;
import io.github.lstmc.compiler.plan.UnrolledMethod;
import io.github.lstmc.compiler.plan.UnrolledRow;
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
        methods.addAll(product(d.gates()));
        methods.add(cell(d.cell()));
        if (d.projection() != null) {
            methods.addAll(product(d.projection()));
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
                .addParameter(FLOATS, "hraw").addParameter(FLOATS, "pz");
        m.beginControlFlow("for (int b = 0; b < batch; b++)")
                .addStatement("int len = lengths == null ? steps : lengths[b]")
                .addStatement("int hOff = b * $L", s)
                .addStatement("int cOff = b * $L", h)
                .beginControlFlow("if (len == 0)")
                .addComment("no valid step: the final state is zero")
                .addStatement("$T.fill(h, hOff, hOff + $L, 0f)", ARRAYS, s)
                .addStatement("$T.fill(c, cOff, cOff + $L, 0f)", ARRAYS, h)
                .endControlFlow()
                .beginControlFlow("for (int n = 0; n < len; n++)")
                .addStatement(d.direction() == Direction.FORWARD ? "int t = n" : "int t = len - 1 - n")
                .addStatement("int pos = $L", position())
                .addCode(calls(d.gates(), "in, pos * " + d.inputWidth() + ", h, hOff, z"));
        if (d.projection() == null) {
            m.addStatement("$L(z, c, cOff, h, hOff)", d.cell().method());
        } else {
            m.addStatement("$L(z, c, cOff, hraw, 0)", d.cell().method())
                    .addCode(calls(d.projection(), "hraw, 0, pz"))
                    .addStatement("System.arraycopy(pz, 0, h, hOff, $L)", s);
        }
        m.addStatement("System.arraycopy(h, hOff, out, $L, $L)", offset("pos", d), s)
                .endControlFlow()
                .beginControlFlow("for (int t = len; t < steps; t++)")
                .addComment("outputs past the row's length are zero")
                .addStatement("int o = $L", offset("(" + position() + ")", d))
                .addStatement("$T.fill(out, o, o + $L, 0f)", ARRAYS, s)
                .endControlFlow()
                .endControlFlow();
        return m.build();
    }

    /** {@code position * outputWidth + outputOffset}, without a "+ 0". */
    private static String offset(String position, DirectionPlan d) {
        return position + " * " + d.outputWidth() + (d.outputOffset() == 0 ? "" : " + " + d.outputOffset());
    }

    private String position() {
        return layout == Layout.BATCH_FIRST ? "b * steps + t" : "t * batch + b";
    }

    private static CodeBlock calls(MatVec product, String arguments) {
        CodeBlock.Builder b = CodeBlock.builder();
        if (product instanceof UnrolledMatVec u) {
            for (UnrolledMethod method : u.methods()) {
                b.addStatement("$L($L)", method.name(), arguments);
            }
        } else if (product instanceof LoopedMatVec l) {
            b.addStatement("$L($L)", l.method(), arguments);
        }
        return b.build();
    }

    private static List<MethodSpec> product(MatVec product) {
        if (product instanceof UnrolledMatVec u) {
            List<MethodSpec> methods = new ArrayList<>();
            for (UnrolledMethod method : u.methods()) {
                methods.add(unrolled(u, method));
            }
            return methods;
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
            String v = vector(op.operand());
            m.beginControlFlow("for (int k = 0; k < $L; k++)", op.length())
                    .addStatement("float v = $L[$LOff + k]", v, v)
                    .addStatement("float[] w = $L[k]", op.field())
                    .beginControlFlow("for (int r = 0; r < $L; r++)", product.rows())
                    .addStatement("out[r] += w[r] * v")
                    .endControlFlow()
                    .endControlFlow();
        }
        return m.build();
    }

    private static MethodSpec cell(CellUpdate u) {
        int h = u.hiddenSize();
        MethodSpec.Builder m = MethodSpec.methodBuilder(u.method())
                .addJavadoc("The elementwise cell update of one step: gates, new cell, new hidden state.\n")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(FLOATS, "z").addParameter(FLOATS, "c").addParameter(int.class, "cOff")
                .addParameter(FLOATS, "out").addParameter(int.class, "outOff")
                .beginControlFlow("for (int j = 0; j < $L; j++)", h)
                .addStatement("float cp = c[cOff + j]");
        gate(m, u, "zi", u.slotInput(), u.peepholeInput(), "cp");
        m.addStatement("float i = $L", apply(u.gate(), "zi"));
        if (u.coupled()) {
            m.addStatement("float f = 1f - i");
        } else {
            gate(m, u, "zf", u.slotForget(), u.peepholeForget(), "cp");
            m.addStatement("float f = $L", apply(u.gate(), "zf"));
        }
        gate(m, u, "zg", u.slotCell(), null, null);
        m.addStatement("float g = $L", apply(u.cell(), "zg"))
                .addStatement("float cn = f * cp + i * g");
        if (u.hasCellClip()) {
            m.addStatement("cn = $T.clamp(cn, $L)", ACTIVATIONS, JavaText.floatLiteral(u.cellClip()));
        }
        m.addStatement("c[cOff + j] = cn");
        gate(m, u, "zo", u.slotOutput(), u.peepholeOutput(), "cn");
        m.addStatement("float o = $L", apply(u.gate(), "zo"));
        return m.addStatement("out[outOff + j] = o * $L", apply(u.hidden(), "cn"))
                .endControlFlow()
                .build();
    }

    private static void gate(MethodSpec.Builder m, CellUpdate u, String name, int slot, String peephole, String cell) {
        int offset = slot * u.hiddenSize();
        if (offset == 0) {
            m.addStatement("float $L = z[j]", name);
        } else {
            m.addStatement("float $L = z[$L + j]", name, offset);
        }
        if (peephole != null) {
            m.addStatement("$L = $L + $L[j] * $L", name, name, peephole, cell);
        }
        if (u.hasPreActivationClip()) {
            m.addStatement("$L = $T.clamp($L, $L)", name, ACTIVATIONS, name,
                    JavaText.floatLiteral(u.preActivationClip()));
        }
    }

    private static CodeBlock apply(ActivationCall call, String x) {
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
