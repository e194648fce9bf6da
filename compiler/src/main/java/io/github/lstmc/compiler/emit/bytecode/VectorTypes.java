package io.github.lstmc.compiler.emit.bytecode;

import io.github.lstmc.compiler.plan.CellUpdate;
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
    private static final String SPECIES_TYPE = "jdk/incubator/vector/VectorSpecies";
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

    /** Pushes {@code FloatVector.SPECIES_PREFERRED}, the species of the elementwise passes ({@link CellUpdate}). */
    static void species(Code code) {
        code.getStatic(FLOAT_VECTOR, "SPECIES_PREFERRED", SPECIES);
    }

    /**
     * One elementwise pass over {@code j < n}, as the source back end renders it: when {@code vectorized},
     * {@code for (j = 0; j < S.loopBound(n); j += S.length()) vector} with {@code S} the preferred species,
     * then {@code for (j = S.loopBound(n); j < n; j++) scalar}; else only the scalar loop from 0.
     */
    static void pass(Code code, boolean vectorized, int n, Code.Body vector, Code.Body scalar) {
        if (vectorized && n >= CellUpdate.MIN_LANES) {
            Code.Bound bound = () -> {
                species(code);
                code.pushInt(n);
                code.invokeInterface(SPECIES_TYPE, "loopBound", "(I)I");
            };
            code.forLoop("j", () -> code.pushInt(0), bound, () -> {
                species(code);
                code.invokeInterface(SPECIES_TYPE, "length", "()I");
            }, vector);
            code.forLoop("j", bound, () -> code.pushInt(n), scalar);
        } else {
            code.forLoop("j", 0, n, scalar);
        }
    }
}
