package io.github.lstmc.compiler.emit.bytecode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.GeneratedFile;
import io.github.lstmc.compiler.emit.ClassFileStats;
import io.github.lstmc.compiler.emit.ModelClassLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Structural checks on generated class files, read back from their bytes: the verifier's
 * verdict, the bytecode size of every method and the constant-pool size.
 */
final class ClassFileChecks {
    /** HotSpot does not JIT-compile methods with more bytecode than this (HugeMethodLimit). */
    static final int JIT_METHOD_LIMIT = ClassFileStats.JIT_METHOD_LIMIT;
    /** The class-file format's limit on {@code constant_pool_count} (a u2). */
    static final int CONSTANT_POOL_LIMIT = 65535;

    private ClassFileChecks() {
    }

    /** Every class of {@code code} verifies, keeps every method JIT-able and its constant pool in bounds. */
    static void checkAll(GeneratedCode code) {
        checkAll(code, new ModelClassLoader(code));
    }

    /** As {@link #checkAll(GeneratedCode)}, resolving types through {@code loader}. */
    static void checkAll(GeneratedCode code, ClassLoader loader) {
        int classes = 0;
        for (GeneratedFile file : code.files()) {
            if (file.relativePath().endsWith(".class")) {
                classes++;
                byte[] bytes = file.content();
                verify(file.relativePath(), bytes, loader);
                checkLimits(file.relativePath(), bytes);
            }
        }
        assertTrue(classes > 0, "no class files generated");
    }

    /** Runs ASM's data-flow verifier (types of every stack slot and local at every instruction). */
    static void verify(String name, byte[] bytes, ClassLoader loader) {
        StringWriter report = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(bytes), loader, false, new PrintWriter(report));
        if (!report.toString().isEmpty()) {
            fail(name + " does not verify:\n" + report);
        }
    }

    static void checkLimits(String name, byte[] bytes) {
        ClassFileStats stats = ClassFileStats.of(bytes);
        assertTrue(stats.constantPoolCount() <= CONSTANT_POOL_LIMIT,
                name + ": constant pool count is " + stats.constantPoolCount());
        assertTrue(!stats.methodCodeSizes().isEmpty(), name + ": no method bodies found");
        for (Map.Entry<String, Integer> method : stats.methodCodeSizes().entrySet()) {
            assertTrue(method.getValue() <= JIT_METHOD_LIMIT, name + ": method " + method.getKey() + " has "
                    + method.getValue() + " bytes of bytecode; HotSpot will not JIT-compile it");
        }
    }

    /** The major version of a class file. */
    static int majorVersion(byte[] bytes) {
        return new ClassReader(bytes).readUnsignedShort(6);
    }

    static void assertMajorVersion(int expected, byte[] bytes) {
        assertEquals(expected, majorVersion(bytes), "class-file major version");
    }
}
