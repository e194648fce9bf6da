package io.github.lstmc.compiler.emit.bytecode;

import static org.objectweb.asm.Opcodes.ACC_PRIVATE;
import static org.objectweb.asm.Opcodes.ACC_STATIC;

import org.objectweb.asm.ClassVisitor;

/**
 * The class being written: its visitor, its internal name and the line counter its methods share.
 * Every method of the generated class is started here.
 */
final class ClassContext {
    private final ClassVisitor cv;
    private final String owner;
    private final int[] lines = new int[1];

    ClassContext(ClassVisitor cv, String owner) {
        this.cv = cv;
        this.owner = owner;
    }

    /** The internal name of the generated class. */
    String owner() {
        return owner;
    }

    ClassVisitor visitor() {
        return cv;
    }

    /** Starts a method; the caller ends it with {@link Code#finish()}. */
    Code method(int access, String name, String descriptor, String... parameterNames) {
        return new Code(lines, cv.visitMethod(access, name, descriptor, null, null),
                (access & ACC_STATIC) != 0, owner, descriptor, parameterNames);
    }

    /** Starts a {@code private static} helper method of the generated class. */
    Code helper(String name, String descriptor, String... parameterNames) {
        return method(ACC_PRIVATE | ACC_STATIC, name, descriptor, parameterNames);
    }
}
