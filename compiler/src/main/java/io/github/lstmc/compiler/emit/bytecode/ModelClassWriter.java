package io.github.lstmc.compiler.emit.bytecode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassWriter;

/**
 * A {@link ClassWriter} that computes stack-map frames without loading any class.
 *
 * <p>Frames are needed from class version 50 on, and computing them means finding the common
 * super class of two types that meet at a branch target. ASM's default answer loads both classes
 * through its own class loader, which cannot see the class being generated (and, inside a Maven
 * plugin or an application server, often not the runtime either). Generated code only ever
 * merges a handful of types, so the hierarchy is declared here: the classes being generated
 * (told to the constructor) and the runtime's own; anything else meets at
 * {@code java/lang/Object}, which the verifier accepts for every use generated code makes of a
 * merged reference (it is only stored, compared to null, or passed where Object is fine).
 */
final class ModelClassWriter extends ClassWriter {
    private static final String OBJECT = "java/lang/Object";

    private final Map<String, String> superClasses = new HashMap<>();

    /**
     * @param generatedSuperClasses internal name of each class being generated (and of any other
     *                              class worth knowing) mapped to the internal name of its super class
     */
    ModelClassWriter(Map<String, String> generatedSuperClasses) {
        super(COMPUTE_FRAMES);
        superClasses.put("io/github/lstmc/runtime/AbstractLstmNetwork", OBJECT);
        superClasses.putAll(generatedSuperClasses);
    }

    @Override
    protected String getCommonSuperClass(String type1, String type2) {
        if (type1.equals(type2)) {
            return type1;
        }
        List<String> ancestors1 = ancestors(type1);
        for (String candidate : ancestors(type2)) {
            if (ancestors1.contains(candidate)) {
                return candidate;
            }
        }
        return OBJECT;
    }

    /** The type itself, then its known super classes up to java/lang/Object. */
    private List<String> ancestors(String type) {
        List<String> chain = new ArrayList<>();
        for (String t = type; t != null && !chain.contains(t); t = superClasses.get(t)) {
            chain.add(t);
        }
        if (!chain.contains(OBJECT)) {
            chain.add(OBJECT);
        }
        return chain;
    }

    @Override
    protected ClassLoader getClassLoader() {
        // Never used (getCommonSuperClass does not load classes); fail loudly if ASM ever asks.
        throw new UnsupportedOperationException("lstmc's class writer loads no classes");
    }
}
