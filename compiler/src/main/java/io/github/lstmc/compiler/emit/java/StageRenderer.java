package io.github.lstmc.compiler.emit.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.MethodSpec;
import io.github.lstmc.compiler.plan.HeadPlan;
import io.github.lstmc.compiler.plan.NetworkStages;
import io.github.lstmc.compiler.plan.Plan;
import io.github.lstmc.runtime.Layout;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Renders the {@link NetworkStages} of a whole network: the statements {@code forwardChecked} runs
 * before and after the drivers, the head method and its products, and the token accessors.
 */
final class StageRenderer {
    static final ClassName STAGES = ClassName.get("io.github.lstmc.runtime", "Stages");

    private StageRenderer() {
    }

    /** The input transform, before the drivers. */
    static void beforeDrivers(MethodSpec.Builder m, NetworkStages s, Plan plan) {
        if (s.affineBuffer() >= 0) {
            m.addStatement("$T.affine(input, batch * sequenceLength, $L, $L, $L, workspace.buffer($L))", STAGES,
                    plan.inputSize(), s.affineScaleField(), s.affineShiftField(), s.affineBuffer());
        }
    }

    /** The lengths argument the drivers get: none when the lengths only choose what the reduction reads. */
    static String driverLengths(NetworkStages s) {
        return s == null || s.lengthsMaskRecurrence() ? "lengths" : "null";
    }

    /** The reduction over time and the head, after the drivers. */
    static void afterDrivers(MethodSpec.Builder m, NetworkStages s, Plan plan) {
        String recurrent = s.recurrentBuffer() < 0 ? "output" : "workspace.buffer(" + s.recurrentBuffer() + ")";
        String vectors = recurrent;
        String count = "batch * sequenceLength";
        if (s.reducesTime()) {
            vectors = s.reducedBuffer() < 0 ? "output" : "workspace.buffer(" + s.reducedBuffer() + ")";
            count = "batch";
            if (s.reduction() == io.github.lstmc.compiler.model.TimeReduction.FINAL_STATE) {
                m.addStatement("$T.finalState(state.hidden($L), $L, batch, $L, $L)", STAGES, s.finalStateIndex(),
                        s.directions() == 2 ? "state.hidden(" + (s.finalStateIndex() + 1) + ")" : "null",
                        s.stateSize(), vectors);
            } else {
                m.addStatement("$T.reduce($T.$L, $L, batch, sequenceLength, $L, $L, lengths, $L)", STAGES, STAGES,
                        s.reduceKind(), recurrent, s.recurrentWidth(), plan.layout() == Layout.BATCH_FIRST, vectors);
            }
        }
        if (s.head() != null) {
            HeadPlan h = s.head();
            m.addStatement("$L($L, output, $L, workspace.buffer($L), workspace.buffer($L))", h.method(), vectors, count,
                    h.bufferA(), h.bufferB());
        }
    }

    /**
     * {@code vocabularySize()}, {@code embeddingTable()}, {@code newState}, {@code fixedLengths()} and
     * {@code reducesTime()}, as the stages say.
     */
    static List<MethodSpec> accessors(NetworkStages s) {
        List<MethodSpec> methods = new ArrayList<>();
        if (s.embeddingField() != null) {
            methods.add(MethodSpec.methodBuilder("vocabularySize").addAnnotation(Override.class)
                    .addModifiers(Modifier.PUBLIC).returns(int.class)
                    .addStatement("return $L", s.vocabularySize()).build());
            methods.add(MethodSpec.methodBuilder("embeddingTable").addAnnotation(Override.class)
                    .addModifiers(Modifier.PROTECTED).returns(float[][].class)
                    .addStatement("return $L", s.embeddingField()).build());
        }
        if (s.hasInitialState()) {
            ClassName state = ClassName.get("io.github.lstmc.runtime", "LstmState");
            MethodSpec.Builder m = MethodSpec.methodBuilder("newState").addAnnotation(Override.class)
                    .addJavadoc("The model's constant initial state in every row.\n")
                    .addModifiers(Modifier.PUBLIC).returns(state).addParameter(int.class, "batch")
                    .addStatement("$T state = super.newState(batch)", state);
            for (int k = 0; k < s.initialHidden().size(); k++) {
                if (s.initialHidden().get(k) != null) {
                    m.addStatement("$T.broadcast(state.hidden($L), $L)", STAGES, k, s.initialHidden().get(k));
                }
                if (s.initialCell().get(k) != null) {
                    m.addStatement("$T.broadcast(state.cell($L), $L)", STAGES, k, s.initialCell().get(k));
                }
            }
            methods.add(m.addStatement("return state").build());
        }
        if (s.fixedLengths() != null) {
            methods.add(MethodSpec.methodBuilder("fixedLengths").addAnnotation(Override.class)
                    .addJavadoc("The model's constant per-row sequence lengths: every call has $L rows.\n",
                            s.fixedLengths().size())
                    .addModifiers(Modifier.PROTECTED).returns(int[].class)
                    .addStatement("return new int[] {$L}", s.fixedLengths().stream().map(String::valueOf)
                            .collect(java.util.stream.Collectors.joining(", "))).build());
        }
        if (s.reducesTime()) {
            methods.add(MethodSpec.methodBuilder("reducesTime").addAnnotation(Override.class)
                    .addModifiers(Modifier.PUBLIC).returns(boolean.class)
                    .addStatement("return true").build());
        }
        return methods;
    }

    /** The head method and the methods of its products. */
    static List<MethodSpec> head(HeadPlan h) {
        MethodSpec.Builder m = MethodSpec.methodBuilder(h.method())
                .addJavadoc("The head, applied to $L vectors of $L features.\n", "count", h.inputSize())
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(float[].class, "in").addParameter(float[].class, "out")
                .addParameter(int.class, "count").addParameter(float[].class, "a").addParameter(float[].class, "b")
                .beginControlFlow("for (int p = 0; p < count; p++)")
                .addStatement("int inOff = p * $L", h.inputSize())
                .addStatement("int outOff = p * $L", h.outputSize());
        List<MethodSpec> products = new ArrayList<>();
        for (HeadPlan.Step step : h.steps()) {
            if (step instanceof HeadPlan.Copy c) {
                m.addStatement("System.arraycopy($L, $L, $L, $L, $L)", array(c.from()), offset(c.from()), array(c.to()),
                        offset(c.to()), c.size());
            } else if (step instanceof HeadPlan.Product p) {
                m.addCode(KernelRenderer.calls(p.product(),
                        array(p.from()) + ", " + offset(p.from()) + ", " + array(p.to())));
                products.addAll(KernelRenderer.product(p.product()));
            } else if (step instanceof HeadPlan.Apply f) {
                String x = array(f.buffer()) + "[j]";
                m.beginControlFlow("for (int j = 0; j < $L; j++)", f.size())
                        .addStatement("$L = $L", x, KernelRenderer.apply(f.call(), x))
                        .endControlFlow();
            } else if (step instanceof HeadPlan.PRelu p) {
                m.addStatement("$T.prelu($L, $L, $L)", STAGES, array(p.buffer()), p.size(), p.slopeField());
            } else if (step instanceof HeadPlan.Softmax sm) {
                m.addStatement("$T.$L($L, $L)", STAGES, sm.log() ? "logSoftmax" : "softmax", array(sm.buffer()),
                        sm.size());
            }
        }
        m.endControlFlow();
        List<MethodSpec> all = new ArrayList<>();
        all.add(m.build());
        all.addAll(products);
        return all;
    }

    private static String array(HeadPlan.Slot slot) {
        return switch (slot) {
            case IN -> "in";
            case OUT -> "out";
            case A -> "a";
            case B -> "b";
        };
    }

    private static String offset(HeadPlan.Slot slot) {
        return switch (slot) {
            case IN -> "inOff";
            case OUT -> "outOff";
            case A, B -> "0";
        };
    }
}
