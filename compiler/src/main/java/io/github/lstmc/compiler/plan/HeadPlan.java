package io.github.lstmc.compiler.plan;

import java.util.List;

/**
 * The head as one generated method {@code private static void method(float[] in, float[] out, int count,
 * float[] a, float[] b)}:
 * <pre>
 *   for (int p = 0; p &lt; count; p++) {
 *     int inOff = p * inputSize;  int outOff = p * outputSize;
 *     every step in order
 *   }
 * </pre>
 * where slot {@link Slot#IN} is {@code in} at {@code inOff}, {@link Slot#OUT} {@code out} at
 * {@code outOff}, and {@link Slot#A}, {@link Slot#B} the scratch arrays from index 0.
 *
 * @param method     the method name
 * @param inputSize  features of each input vector
 * @param outputSize features of each output vector
 * @param bufferA    workspace buffer passed as {@code a}
 * @param bufferB    workspace buffer passed as {@code b}
 * @param steps      in order
 */
public record HeadPlan(String method, int inputSize, int outputSize, int bufferA, int bufferB, List<Step> steps) {

    public HeadPlan {
        steps = List.copyOf(steps);
    }

    /** Where a step reads or writes. */
    public enum Slot {
        IN, OUT, A, B
    }

    /** One operation on one vector. */
    public sealed interface Step permits Copy, Product, Apply, PRelu, Softmax {
    }

    /** {@code System.arraycopy(from, fromOff, to, toOff, size)}. */
    public record Copy(Slot from, Slot to, int size) implements Step {
    }

    /**
     * {@code product(from, fromOff, to)}: a dense layer's {@link MatVec} (operand INPUT), writing
     * {@code to} (A or B) from index 0; its methods are emitted like any other product's.
     */
    public record Product(MatVec product, Slot from, Slot to) implements Step {
    }

    /** {@code for (j < size) buffer[j] = Activations.call(buffer[j], arguments...)}. */
    public record Apply(ActivationCall call, Slot buffer, int size) implements Step {
    }

    /** {@code Stages.prelu(buffer, size, slopeField)}. */
    public record PRelu(String slopeField, Slot buffer, int size) implements Step {
    }

    /** {@code Stages.softmax(buffer, size)} or {@code Stages.logSoftmax(buffer, size)}. */
    public record Softmax(boolean log, Slot buffer, int size) implements Step {
    }
}
