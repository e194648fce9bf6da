package io.github.lstmc.compiler.emit.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import io.github.lstmc.compiler.plan.ActivationCall;
import io.github.lstmc.compiler.plan.CellUpdate;
import java.util.List;

/**
 * The Vector API forms of the activations and of the clip ({@link CellUpdate#vectorized()}), rendered
 * inline as {@link CellUpdate} lists them (the bytecode back end renders the same operations in the
 * same order). The tanh constants are named from the runtime's {@code Activations}, the single
 * source of their values.
 */
final class VectorActivations {
    /** Named, not imported from the compiler's class path: the incubating module is resolved at run time only. */
    static final ClassName FLOAT_VECTOR = ClassName.get("jdk.incubator.vector", "FloatVector");
    private static final ClassName OPERATORS = ClassName.get("jdk.incubator.vector", "VectorOperators");
    private static final ClassName ACTIVATIONS = ClassName.bestGuess(ActivationCall.RUNTIME_CLASS);

    private VectorActivations() {
    }

    /**
     * {@code FloatVector.SPECIES_PREFERRED}, the species of the elementwise passes: the running JVM's
     * widest (2 to 16 float lanes), since each element's operations are the same on any number of lanes.
     * C2 folds it and its {@code length()} (a stable field) to constants.
     */
    static CodeBlock species() {
        return CodeBlock.of("$T.SPECIES_PREFERRED", FLOAT_VECTOR);
    }

    /**
     * One elementwise pass over {@code j < n}: scalar {@code for (j = 0; j < n; j++)}, or, when
     * {@code vectorized}, {@code j} in steps of the preferred species' length up to its
     * {@code loopBound(n)}, then the scalar loop for the rest (the bytecode back end renders the same loops).
     */
    static void pass(MethodSpec.Builder m, boolean vectorized, int n, Runnable vector, Runnable scalar) {
        String from = "0";
        if (vectorized && n >= CellUpdate.MIN_LANES) {
            from = CodeBlock.of("$L.loopBound($L)", species(), n).toString();
            m.beginControlFlow("for (int j = 0; j < $L; j += $L.length())", from, species());
            vector.run();
            m.endControlFlow();
        }
        m.beginControlFlow("for (int j = $L; j < $L; j++)", from, n);
        scalar.run();
        m.endControlFlow();
    }

    /** {@code FloatVector.fromArray(SPECIES_PREFERRED, array, index)}. */
    static CodeBlock load(String array, String index) {
        return CodeBlock.of("$T.fromArray($L, $L, $L)", FLOAT_VECTOR, species(), array, index);
    }

    /**
     * Renders {@code act(x)} for a {@code FloatVector} local {@code x}: adds tanh's intermediate
     * locals {@code tc, tu, tp, tq} as statements when the activation needs tanh, and returns the
     * expression of the value (just {@code x} for the identity). Inline rather than in helper
     * methods: C2 does not reliably inline a helper of this size ("callee is too large",
     * NodeCountInliningCutoff), and a vector crossing a call that is not inlined is boxed, an
     * allocation per call. The JDK's own vector methods are force-inlined, so inline code stays in registers.
     */
    static CodeBlock apply(MethodSpec.Builder m, ActivationCall call, String x) {
        if (call.isIdentity()) {
            return CodeBlock.of("$L", x);
        }
        List<Float> args = call.arguments();
        return switch (call.method()) {
            case "tanh" -> tanh(m, CodeBlock.of("$L", x));
            case "sigmoid" -> CodeBlock.of("$L.mul(0.5f).add(0.5f)", tanh(m, CodeBlock.of("$L.mul(0.5f)", x)));
            case "affine" -> CodeBlock.of("$L.mul($L).add($L)", x, literal(args, 0), literal(args, 1));
            case "scaledTanh" -> CodeBlock.of("$L.mul($L)", tanh(m, CodeBlock.of("$L.mul($L)", x, literal(args, 1))),
                    literal(args, 0));
            case "hardSigmoid" -> CodeBlock.of("$L.mul($L).add($L).min(1f).max(0f)", x, literal(args, 0),
                    literal(args, 1));
            // NaN and -0 are not > 0, so they give +0 as in the scalar x > 0f ? x : 0f
            case "relu" -> CodeBlock.of("$T.zero($L).blend($L, $L.compare($T.GT, 0f))", FLOAT_VECTOR, species(), x, x,
                    OPERATORS);
            // -0 >= 0 keeps -0 and NaN gives alpha * NaN, as in the scalar x >= 0f ? x : alpha * x
            case "leakyRelu" -> CodeBlock.of("$L.mul($L).blend($L, $L.compare($T.GE, 0f))", x, literal(args, 0), x, x,
                    OPERATORS);
            case "softsign" -> CodeBlock.of("$L.div($L.abs().add(1f))", x, x);
            default -> throw new IllegalArgumentException("no vector form of Activations." + call.method());
        };
    }

    /**
     * {@code x.min(limit).max(-limit)}: lanewise Math.min/max keep NaN and +-0, which is exactly
     * {@code Activations.clamp} for a positive limit (see {@link CellUpdate}).
     */
    static CodeBlock clamp(String x, float limit) {
        return CodeBlock.of("$L.min($L).max($L)", x, JavaText.floatLiteral(limit), JavaText.floatLiteral(-limit));
    }

    /**
     * The statements of tanh on {@code argument} ({@code tc} clamped, {@code tu = tc * tc}, numerator
     * {@code tp} and denominator {@code tq} by Horner's rule with a separate multiplication and
     * addition per step, never fused), returning {@code tc.mul(tp).div(tq)}.
     */
    private static CodeBlock tanh(MethodSpec.Builder m, CodeBlock argument) {
        m.addStatement("$T tc = $L.min($T.TANH_CLAMP).max(-$T.TANH_CLAMP)", FLOAT_VECTOR, argument, ACTIVATIONS,
                ACTIVATIONS);
        m.addStatement("$T tu = tc.mul(tc)", FLOAT_VECTOR);
        horner(m, "tp", 'A', 6);
        horner(m, "tq", 'B', 3);
        return CodeBlock.of("tc.mul(tp).div(tq)");
    }

    /** {@code v = broadcast(K<top>); v = v.mul(tu).add(K<top-1>); ... v = v.mul(tu).add(K0)}. */
    private static void horner(MethodSpec.Builder m, String v, char letter, int top) {
        m.addStatement("$T $L = $T.broadcast($L, $T.TANH_$L$L)", FLOAT_VECTOR, v, FLOAT_VECTOR, species(), ACTIVATIONS,
                letter, top);
        for (int k = top - 1; k >= 0; k--) {
            m.addStatement("$L = $L.mul(tu).add($T.TANH_$L$L)", v, v, ACTIVATIONS, letter, k);
        }
    }

    private static String literal(List<Float> arguments, int index) {
        return JavaText.floatLiteral(arguments.get(index));
    }
}
