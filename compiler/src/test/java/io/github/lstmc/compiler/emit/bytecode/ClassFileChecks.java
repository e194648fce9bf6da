package io.github.lstmc.compiler.emit.bytecode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.GeneratedFile;
import io.github.lstmc.compiler.emit.ModelClassLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Structural checks on generated class files, read back from their bytes: the verifier's
 * verdict, the bytecode size of every method and the constant-pool size.
 */
final class ClassFileChecks {
    /** HotSpot does not JIT-compile methods with more bytecode than this (HugeMethodLimit). */
    static final int JIT_METHOD_LIMIT = 8000;
    /** The class-file format's hard limit on a method's bytecode. */
    static final int METHOD_LIMIT = 65535;
    /** The class-file format's limit on constant-pool entries (count field is u2, entry 0 unused). */
    static final int CONSTANT_POOL_LIMIT = 65535;

    private ClassFileChecks() {
    }

    /** Every class of {@code code} verifies, keeps every method JIT-able and its constant pool in bounds. */
    static void checkAll(GeneratedCode code) {
        ModelClassLoader loader = new ModelClassLoader(code);
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
        ClassReader reader = new ClassReader(bytes);
        assertTrue(reader.getItemCount() < CONSTANT_POOL_LIMIT,
                name + ": constant pool has " + reader.getItemCount() + " entries");
        for (Map.Entry<String, Integer> method : methodCodeSizes(bytes).entrySet()) {
            assertTrue(method.getValue() <= JIT_METHOD_LIMIT, name + ": method " + method.getKey() + " has "
                    + method.getValue() + " bytes of bytecode; HotSpot will not JIT-compile it");
        }
    }

    /**
     * The {@code code_length} of every method with a body, keyed by name and descriptor, read
     * straight from the class-file structure (JVMS 4.1, 4.6, 4.7.3).
     */
    static Map<String, Integer> methodCodeSizes(byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        char[] buffer = new char[reader.getMaxStringLength()];
        int offset = reader.header + 6; // access_flags, this_class, super_class
        int interfaces = reader.readUnsignedShort(offset);
        offset += 2 + 2 * interfaces;
        int fields = reader.readUnsignedShort(offset);
        offset += 2;
        for (int f = 0; f < fields; f++) {
            offset = skipMember(reader, offset);
        }
        int methods = reader.readUnsignedShort(offset);
        offset += 2;
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (int m = 0; m < methods; m++) {
            String name = reader.readUTF8(offset + 2, buffer) + reader.readUTF8(offset + 4, buffer);
            int attributes = reader.readUnsignedShort(offset + 6);
            int a = offset + 8;
            for (int i = 0; i < attributes; i++) {
                String attribute = reader.readUTF8(a, buffer);
                int length = reader.readInt(a + 2);
                if (attribute.equals("Code")) {
                    sizes.put(name, reader.readInt(a + 6 + 4)); // after max_stack, max_locals
                }
                a += 6 + length;
            }
            offset = a;
        }
        return sizes;
    }

    private static int skipMember(ClassReader reader, int offset) {
        int attributes = reader.readUnsignedShort(offset + 6);
        int a = offset + 8;
        for (int i = 0; i < attributes; i++) {
            a += 6 + reader.readInt(a + 2);
        }
        return a;
    }

    /** The major version of a class file. */
    static int majorVersion(byte[] bytes) {
        return new ClassReader(bytes).readUnsignedShort(6);
    }

    static void assertMajorVersion(int expected, byte[] bytes) {
        assertEquals(expected, majorVersion(bytes), "class-file major version");
    }
}
