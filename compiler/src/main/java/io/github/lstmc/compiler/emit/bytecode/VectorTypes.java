package io.github.lstmc.compiler.emit.bytecode;

import org.objectweb.asm.Type;

/**
 * Internal names and descriptors of the {@code jdk.incubator.vector} members the opt-in Vector API
 * tier's generated code uses (products and cell updates), spelled out once. Only names: the
 * compiler itself never loads the incubating module.
 */
final class VectorTypes {
    static final String FLOAT_VECTOR = "jdk/incubator/vector/FloatVector";
    static final Type FLOAT_VECTOR_TYPE = Type.getObjectType(FLOAT_VECTOR);
    static final String OPERATORS = "jdk/incubator/vector/VectorOperators";
    static final String SPECIES = "Ljdk/incubator/vector/VectorSpecies;";
    private static final String VECTOR = "Ljdk/incubator/vector/Vector;";
    private static final String MASK = "Ljdk/incubator/vector/VectorMask;";
    private static final String RETURNS_VECTOR = ")L" + FLOAT_VECTOR + ";";

    /** {@code static FloatVector fromArray(VectorSpecies, float[], int)}. */
    static final String FROM_ARRAY = "(" + SPECIES + "[FI" + RETURNS_VECTOR;
    /** {@code static FloatVector broadcast(VectorSpecies, float)}. */
    static final String BROADCAST = "(" + SPECIES + "F" + RETURNS_VECTOR;
    /** {@code static FloatVector zero(VectorSpecies)}. */
    static final String ZERO = "(" + SPECIES + RETURNS_VECTOR;
    /** {@code void intoArray(float[], int)}. */
    static final String INTO_ARRAY = "([FI)V";
    /** {@code FloatVector fma(Vector, Vector)}. */
    static final String FMA = "(" + VECTOR + VECTOR + RETURNS_VECTOR;
    /** {@code FloatVector add/sub/mul/div/min/max(Vector)}. */
    static final String BINARY = "(" + VECTOR + RETURNS_VECTOR;
    /** {@code FloatVector add/sub/mul/div/min/max(float)}: the scalar broadcast to every lane. */
    static final String BINARY_SCALAR = "(F" + RETURNS_VECTOR;
    /** {@code FloatVector abs()}. */
    static final String UNARY = "(" + RETURNS_VECTOR;
    /** {@code VectorMask compare(VectorOperators.Comparison, float)}. */
    static final String COMPARE_SCALAR = "(Ljdk/incubator/vector/VectorOperators$Comparison;F)" + MASK;
    /** The type of {@code VectorOperators.GT} and {@code GE}. */
    static final String COMPARISON = "Ljdk/incubator/vector/VectorOperators$Comparison;";
    /** {@code FloatVector blend(Vector, VectorMask)}. */
    static final String BLEND = "(" + VECTOR + MASK + RETURNS_VECTOR;

    private VectorTypes() {
    }

    /** Pushes {@code FloatVector.SPECIES_256}. */
    static void species(Code code) {
        code.getStatic(FLOAT_VECTOR, "SPECIES_256", SPECIES);
    }
}
