package io.github.lstmc.compiler.emit.bytecode;

import org.objectweb.asm.Opcodes;

/** Class-file constants shared by the bytecode back end. */
public final class ClassFiles {
    /** ASM API level used by every visitor of this back end. */
    static final int ASM_API = Opcodes.ASM9;

    private ClassFiles() {
    }

    /**
     * The class-file major version for a Java release.
     *
     * @param targetRelease 8, 11 or 17 (the values {@link io.github.lstmc.compiler.CompileOptions} accepts)
     * @return 52, 55 or 61
     * @throws IllegalArgumentException for any other release
     */
    public static int majorVersion(int targetRelease) {
        return switch (targetRelease) {
            case 8 -> Opcodes.V1_8;
            case 11 -> Opcodes.V11;
            case 17 -> Opcodes.V17;
            default -> throw new IllegalArgumentException("target release must be 8, 11 or 17, got " + targetRelease);
        };
    }

    /** The internal name ({@code a/b/C}) of a binary class name ({@code a.b.C}). */
    public static String internalName(String binaryName) {
        return binaryName.replace('.', '/');
    }

    /** The path of a class file below an output directory, e.g. {@code lstmc/generated/Tagger.class}. */
    public static String classFilePath(String binaryName) {
        return internalName(binaryName) + ".class";
    }
}
