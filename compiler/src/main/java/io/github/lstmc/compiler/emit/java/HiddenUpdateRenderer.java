package io.github.lstmc.compiler.emit.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.MethodSpec;
import io.github.lstmc.compiler.model.CellKind;
import io.github.lstmc.compiler.plan.ActivationCall;
import io.github.lstmc.compiler.plan.HiddenUpdate;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/** Renders a {@link HiddenUpdate} (GRU, RNN) statement by statement as its Javadoc lists them. */
final class HiddenUpdateRenderer {
    private static final ClassName ACTIVATIONS = ClassName.bestGuess(ActivationCall.RUNTIME_CLASS);

    private HiddenUpdateRenderer() {
    }

    /** The GRU's gates and update methods, or the RNN's update. */
    static List<MethodSpec> methods(HiddenUpdate u) {
        List<MethodSpec> methods = new ArrayList<>();
        int h = u.hiddenSize();
        if (u.kind() == CellKind.RNN) {
            MethodSpec.Builder m = method(u.updateMethod(), "The RNN's new hidden state from its pre-activations.");
            m.beginControlFlow("for (int j = 0; j < $L; j++)", h);
            activated(m, u, "zx", "z[j]", "out[outOff + j]", u.gate());
            methods.add(m.endControlFlow().build());
            return methods;
        }
        MethodSpec.Builder gates = method(u.gatesMethod(),
                "The GRU's update and reset gates in place on z" + (u.linearBeforeReset() ? "." : ", then r * h."));
        gates.beginControlFlow("for (int j = 0; j < $L; j++)", 2 * h);
        activated(gates, u, "zx", "z[j]", "z[j]", u.gate());
        gates.endControlFlow();
        if (!u.linearBeforeReset()) {
            gates.beginControlFlow("for (int j = 0; j < $L; j++)", h)
                    .addStatement("out[outOff + j] = z[$L + j] * a[aOff + j]", h)
                    .endControlFlow();
        }
        methods.add(gates.build());
        MethodSpec.Builder update = method(u.updateMethod(), "The GRU's candidate, then its new hidden state.");
        update.beginControlFlow("for (int j = 0; j < $L; j++)", h);
        String pre = u.linearBeforeReset() ? "z[" + 2 * h + " + j] + z[" + h + " + j] * a[aOff + j]"
                : "z[" + 2 * h + " + j] + a[aOff + j]";
        activated(update, u, "zn", pre, "z[" + 2 * h + " + j]", u.candidate());
        update.endControlFlow()
                .beginControlFlow("for (int j = 0; j < $L; j++)", h)
                .addStatement("float u = z[j]")
                .addStatement("float hp = out[outOff + j]")
                .addStatement("out[outOff + j] = (1f - u) * z[$L + j] + u * hp", 2 * h)
                .endControlFlow();
        methods.add(update.build());
        return methods;
    }

    private static MethodSpec.Builder method(String name, String doc) {
        return MethodSpec.methodBuilder(name).addJavadoc("$L\n", doc)
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(KernelRenderer.FLOATS, "z").addParameter(KernelRenderer.FLOATS, "a")
                .addParameter(int.class, "aOff").addParameter(KernelRenderer.FLOATS, "out")
                .addParameter(int.class, "outOff");
    }

    /** {@code float name = value; [name = clamp(name, clip);] target = act(name);}. */
    private static void activated(MethodSpec.Builder m, HiddenUpdate u, String name, String value, String target,
                                  ActivationCall activation) {
        m.addStatement("float $L = $L", name, value);
        if (u.hasPreActivationClip()) {
            m.addStatement("$L = $T.clamp($L, $L)", name, ACTIVATIONS, name,
                    JavaText.floatLiteral(u.preActivationClip()));
        }
        m.addStatement("$L = $L", target, KernelRenderer.apply(activation, name));
    }
}
