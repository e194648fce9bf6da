package io.github.lstmc.compiler.emit.bytecode;

import io.github.lstmc.compiler.plan.ActivationCall;

/**
 * Internal names and descriptors of the runtime and JDK members generated code uses, spelled
 * out once. Generated code touches only these (and its own members).
 */
final class RuntimeTypes {
    static final String STRING = "java/lang/String";
    static final String SYSTEM = "java/lang/System";
    static final String ARRAYS = "java/util/Arrays";
    static final String MATH = "java/lang/Math";
    static final String STRING_BUILDER = "java/lang/StringBuilder";
    static final String ILLEGAL_ARGUMENT = "java/lang/IllegalArgumentException";
    static final String UNSUPPORTED_OPERATION = "java/lang/UnsupportedOperationException";

    static final String ABSTRACT_NETWORK = "io/github/lstmc/runtime/AbstractLstmNetwork";
    static final String LAYOUT = "io/github/lstmc/runtime/Layout";
    static final String STATE = "io/github/lstmc/runtime/LstmState";
    static final String WORKSPACE = "io/github/lstmc/runtime/LstmWorkspace";
    static final String GENERATED = "Lio/github/lstmc/runtime/LstmcGenerated;";
    static final String PACKED_FLOATS = "io/github/lstmc/runtime/PackedFloats";
    /** Overflow-checked size arithmetic (Android API 21 lacks {@code Math.multiplyExact}). */
    static final String SIZES = "io/github/lstmc/runtime/Sizes";
    static final String ACTIVATIONS = ClassFiles.internalName(ActivationCall.RUNTIME_CLASS);

    static final String FLOATS = "[F";
    static final String FLOAT_ROWS = "[[F";

    /** {@code System.arraycopy(Object, int, Object, int, int)}. */
    static final String ARRAYCOPY = "(Ljava/lang/Object;ILjava/lang/Object;II)V";
    /** {@code Arrays.fill(float[], int, int, float)}. */
    static final String FILL_RANGE = "([FIIF)V";
    /** {@code PackedFloats.vector(int cols, String[] chunks)}. */
    static final String PACKED_VECTOR = "(I[Ljava/lang/String;)[F";
    /** {@code PackedFloats.rows(int rows, int cols, String[] chunks)}. */
    static final String PACKED_ROWS = "(II[Ljava/lang/String;)[[F";
    /** {@code Activations.clamp(float x, float limit)}. */
    static final String CLAMP = "(FF)F";

    /** forwardChecked(input, batch, sequenceLength, lengths, state, workspace, output). */
    static final String FORWARD_CHECKED = "([FII[I" + "L" + STATE + ";L" + WORKSPACE + ";[F)V";
    /** {@code forwardTokensChecked(int[] tokens, int batch, int sequenceLength, int[] lengths, state, workspace, output)}. */
    static final String FORWARD_TOKENS_CHECKED = "([III[I" + "L" + STATE + ";L" + WORKSPACE + ";[F)V";
    /** stepChecked(input, state, workspace, output). */
    static final String STEP_CHECKED = "([FL" + STATE + ";L" + WORKSPACE + ";[F)V";

    private RuntimeTypes() {
    }

    /** The descriptor of an activation: {@code x} and its constant arguments in, the value out. */
    static String activationDescriptor(ActivationCall call) {
        return "(" + "F".repeat(1 + call.arguments().size()) + ")F";
    }
}
