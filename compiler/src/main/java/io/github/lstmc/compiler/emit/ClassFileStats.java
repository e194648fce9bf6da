package io.github.lstmc.compiler.emit;

import java.util.LinkedHashMap;
import java.util.Map;
import org.objectweb.asm.ClassReader;

/**
 * What a compiled class costs against the JVM's limits: its constant pool entry count (limit
 * 65,535) and the bytecode length of each method's {@code Code} attribute (HotSpot does not JIT a
 * method over 8,000 bytes; the format allows 65,535). Read with ASM's {@link ClassReader}, walking
 * the method table from {@link ClassReader#header}.
 *
 * @param constantPoolCount the class file's {@code constant_pool_count}
 * @param methodCodeSizes   method name + descriptor to bytecode length, in class-file order; abstract methods absent
 */
public record ClassFileStats(int constantPoolCount, Map<String, Integer> methodCodeSizes) {

    /** HotSpot's HugeMethodLimit: larger methods are never JIT-compiled. */
    public static final int JIT_METHOD_LIMIT = 8000;

    public ClassFileStats {
        methodCodeSizes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(methodCodeSizes));
    }

    /** Measures {@code classFile}. */
    public static ClassFileStats of(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        char[] buffer = new char[reader.getMaxStringLength()];
        int offset = reader.header + 6;
        offset += 2 + 2 * reader.readUnsignedShort(offset);             // interfaces
        int fields = reader.readUnsignedShort(offset);
        offset += 2;
        for (int i = 0; i < fields; i++) {
            offset = skipMember(reader, offset);
        }
        int methods = reader.readUnsignedShort(offset);
        offset += 2;
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (int i = 0; i < methods; i++) {
            String name = reader.readUTF8(offset + 2, buffer) + reader.readUTF8(offset + 4, buffer);
            int attributes = reader.readUnsignedShort(offset + 6);
            int a = offset + 8;
            for (int k = 0; k < attributes; k++) {
                String attribute = reader.readUTF8(a, buffer);
                int length = reader.readInt(a + 2);
                if (attribute.equals("Code")) {
                    sizes.put(name, reader.readInt(a + 6 + 4));
                }
                a += 6 + length;
            }
            offset = a;
        }
        return new ClassFileStats(reader.getItemCount(), sizes);
    }

    /** The largest method's bytecode length (0 if none). */
    public int largestMethod() {
        return methodCodeSizes.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** The method with the largest bytecode, or "" if none. */
    public String largestMethodName() {
        return methodCodeSizes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("");
    }

    private static int skipMember(ClassReader reader, int offset) {
        int attributes = reader.readUnsignedShort(offset + 6);
        int a = offset + 8;
        for (int k = 0; k < attributes; k++) {
            a += 6 + reader.readInt(a + 2);
        }
        return a;
    }
}
