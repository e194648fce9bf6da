package io.github.lstmc.compiler.emit.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import io.github.lstmc.compiler.model.CellKind;
import io.github.lstmc.compiler.plan.ActivationCall;
import io.github.lstmc.compiler.plan.CellUpdate;
import io.github.lstmc.compiler.plan.HiddenUpdate;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/** Renders a {@link HiddenUpdate} (GRU, RNN) statement by statement as its Javadoc lists them. */
final class HiddenUpdateRenderer {
    private static final ClassName ACTIVATIONS = ClassName.bestGuess(ActivationCall.RUNTIME_CLASS);
    private static final ClassName FLOAT_VECTOR = VectorActivations.FLOAT_VECTOR;

    private HiddenUpdateRenderer() {
    }

    /** The GRU's gates and update methods, or the RNN's update. */
    static List<MethodSpec> methods(HiddenUpdate u) {
        List<MethodSpec> methods = new ArrayList<>();
        int h = u.hiddenSize();
        if (u.kind() == CellKind.RNN) {
            MethodSpec.Builder m = method(u, u.updateMethod(), "The RNN's new hidden state from its pre-activations.");
            activated(m, u, h, "zx", "z", "j", "out", "outOff + j", u.gate());
            methods.add(m.build());
            return methods;
        }
        MethodSpec.Builder gates = method(u, u.gatesMethod(),
                "The GRU's update and reset gates in place on z" + (u.linearBeforeReset() ? "." : ", then r * h."));
        activated(gates, u, 2 * h, "zx", "z", "j", "z", "j", u.gate());
        if (!u.linearBeforeReset()) {
            pass(gates, u, h, () -> gates.addStatement("$L.mul($L).intoArray(out, outOff + j)",
                            VectorActivations.load("z", h + " + j"), VectorActivations.load("a", "aOff + j")),
                    () -> gates.addStatement("out[outOff + j] = z[$L + j] * a[aOff + j]", h));
        }
        methods.add(gates.build());
        MethodSpec.Builder update = method(u, u.updateMethod(), "The GRU's candidate, then its new hidden state.");
        String n = 2 * h + " + j";
        pass(update, u, h, () -> {
            CodeBlock recurrent = u.linearBeforeReset()
                    ? CodeBlock.of("$L.mul($L)", VectorActivations.load("z", h + " + j"),
                            VectorActivations.load("a", "aOff + j"))
                    : VectorActivations.load("a", "aOff + j");
            update.addStatement("$T zn = $L.add($L)", FLOAT_VECTOR, VectorActivations.load("z", n), recurrent);
            clampAndStore(update, u, "zn", "z", n, u.candidate());
        }, () -> {
            update.addStatement("float zn = z[$L] + $L", n,
                    u.linearBeforeReset() ? "z[" + h + " + j] * a[aOff + j]" : "a[aOff + j]");
            scalarClampAndStore(update, u, "zn", "z[" + n + "]", u.candidate());
        });
        pass(update, u, h, () -> update
                        .addStatement("$T u = $L", FLOAT_VECTOR, VectorActivations.load("z", "j"))
                        .addStatement("$T hp = $L", FLOAT_VECTOR, VectorActivations.load("out", "outOff + j"))
                        .addStatement("$T.broadcast($L, 1f).sub(u).mul($L).add(u.mul(hp)).intoArray(out, outOff + j)",
                                FLOAT_VECTOR, VectorActivations.species(), VectorActivations.load("z", n)),
                () -> update.addStatement("float u = z[j]")
                        .addStatement("float hp = out[outOff + j]")
                        .addStatement("out[outOff + j] = (1f - u) * z[$L] + u * hp", n));
        methods.add(update.build());
        return methods;
    }

    private static MethodSpec.Builder method(HiddenUpdate u, String name, String doc) {
        return MethodSpec.methodBuilder(name)
                .addJavadoc("$L\n", doc + (u.vectorized() ? " With the Vector API, the preferred species' lanes at a time, then the rest."
                        : ""))
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(KernelRenderer.FLOATS, "z").addParameter(KernelRenderer.FLOATS, "a")
                .addParameter(int.class, "aOff").addParameter(KernelRenderer.FLOATS, "out")
                .addParameter(int.class, "outOff");
    }

    /** A pass over {@code j < n} ({@link VectorActivations#pass}). */
    private static void pass(MethodSpec.Builder m, HiddenUpdate u, int n, Runnable vector, Runnable scalar) {
        VectorActivations.pass(m, u.vectorized(), n, vector, scalar);
    }

    /** A pass of {@code name = from[fromIndex]; [clamp] to[toIndex] = act(name)}. */
    private static void activated(MethodSpec.Builder m, HiddenUpdate u, int n, String name, String from,
                                  String fromIndex, String to, String toIndex, ActivationCall activation) {
        pass(m, u, n, () -> {
            m.addStatement("$T $L = $L", FLOAT_VECTOR, name, VectorActivations.load(from, fromIndex));
            clampAndStore(m, u, name, to, toIndex, activation);
        }, () -> {
            m.addStatement("float $L = $L[$L]", name, from, fromIndex);
            scalarClampAndStore(m, u, name, to + "[" + toIndex + "]", activation);
        });
    }

    private static void clampAndStore(MethodSpec.Builder m, HiddenUpdate u, String name, String to, String toIndex,
                                      ActivationCall activation) {
        if (u.hasPreActivationClip()) {
            m.addStatement("$L = $L", name, VectorActivations.clamp(name, u.preActivationClip()));
        }
        m.addStatement("$L.intoArray($L, $L)", VectorActivations.apply(m, activation, name), to, toIndex);
    }

    private static void scalarClampAndStore(MethodSpec.Builder m, HiddenUpdate u, String name, String target,
                                            ActivationCall activation) {
        if (u.hasPreActivationClip()) {
            m.addStatement("$L = $T.clamp($L, $L)", name, ACTIVATIONS, name,
                    JavaText.floatLiteral(u.preActivationClip()));
        }
        m.addStatement("$L = $L", target, KernelRenderer.apply(activation, name));
    }
}
