package io.github.lstmc.compiler.emit.bytecode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.objectweb.asm.Opcodes.*;

import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.GeneratedFile;
import io.github.lstmc.compiler.emit.ModelClassLoader;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;

/** The method-body helpers, run for real: constants, loops, locals, frames across branches. */
class CodeTest {
    private static final String OWNER = "lstmc/test/Probe";

    private static final float[] CONSTANTS = {
        0f, -0f, 1f, 2f, -1f, 0.1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
        Float.intBitsToFloat(0x3f800001), Float.intBitsToFloat(0x007fffff), 3.4028235e38f, -2.5e-40f,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY
    };

    /** Builds class Probe with the given static methods and loads it in a fresh loader. */
    private static Class<?> probe(int release, java.util.function.Consumer<ClassWriter> methods) throws Exception {
        ModelClassWriter cw = new ModelClassWriter(Map.of(OWNER, "java/lang/Object"));
        cw.visit(ClassFiles.majorVersion(release), ACC_PUBLIC | ACC_FINAL | ACC_SUPER, OWNER, null,
                "java/lang/Object", null);
        cw.visitSource("Probe", null);
        methods.accept(cw);
        cw.visitEnd();
        byte[] bytes = cw.toByteArray();
        GeneratedCode code = new GeneratedCode(List.of(new GeneratedFile(OWNER + ".class", bytes)));
        ModelClassLoader loader = new ModelClassLoader(code);
        ClassFileChecks.verify(OWNER, bytes, loader);
        ClassFileChecks.checkLimits(OWNER, bytes);
        ClassFileChecks.assertMajorVersion(ClassFiles.majorVersion(release), bytes);
        return loader.loadClass("lstmc.test.Probe");
    }

    @Test
    void floatConstantsKeepTheirBits() throws Exception {
        Class<?> probe = probe(8, cw -> {
            String descriptor = "()[F";
            MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, "constants", descriptor, null, null);
            Code code = new Code(mv, true, OWNER, descriptor);
            code.line();
            code.pushInt(CONSTANTS.length);
            mv.visitIntInsn(NEWARRAY, T_FLOAT);
            Code.Local array = code.storeNew("array", Type.getType(float[].class));
            for (int i = 0; i < CONSTANTS.length; i++) {
                code.load(array);
                code.pushInt(i);
                code.pushFloat(CONSTANTS[i]);
                code.insn(FASTORE);
            }
            code.load(array);
            code.insn(ARETURN);
            code.finish();
        });
        float[] actual = (float[]) probe.getMethod("constants").invoke(null);
        for (int i = 0; i < CONSTANTS.length; i++) {
            assertEquals(Float.floatToRawIntBits(CONSTANTS[i]), Float.floatToRawIntBits(actual[i]), "constant " + i);
        }
    }

    @Test
    void intConstantsOfEveryWidth() throws Exception {
        int[] values = {-1, 0, 5, 6, -2, 127, -128, 128, 32767, -32768, 32768, Integer.MAX_VALUE, Integer.MIN_VALUE};
        Class<?> probe = probe(11, cw -> {
            String descriptor = "(I)I";
            MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, "pick", descriptor, null, null);
            Code code = new Code(mv, true, OWNER, descriptor, "index");
            for (int i = 0; i < values.length; i++) {
                Label next = new Label();
                code.load(code.local("index"));
                code.pushInt(i);
                mv.visitJumpInsn(IF_ICMPNE, next);
                code.pushInt(values[i]);
                code.insn(IRETURN);
                mv.visitLabel(next);
            }
            code.pushInt(0);
            code.insn(IRETURN);
            code.finish();
        });
        Method pick = probe.getMethod("pick", int.class);
        for (int i = 0; i < values.length; i++) {
            assertEquals(values[i], pick.invoke(null, i));
        }
    }

    @Test
    void loopsCountUpAndDownAndReuseSlots() throws Exception {
        Class<?> probe = probe(17, cw -> {
            // sum over i < n of (i+1) * x[i], then again backwards into a second local, returned as [up, down]
            String descriptor = "([FI)[F";
            MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, "sums", descriptor, null, null);
            Code code = new Code(mv, true, OWNER, descriptor, "x", "n");
            Code.Local x = code.local("x");
            Code.Local n = code.local("n");
            code.pushFloat(0f);
            Code.Local up = code.storeNew("up", Type.FLOAT_TYPE);
            code.forLoop("i", 0, () -> code.load(n), i -> {
                code.load(up);
                code.load(i);
                code.pushInt(1);
                code.insn(IADD);
                code.insn(I2F);
                code.loadFloat(x, i);
                code.insn(FMUL);
                code.insn(FADD);
                code.store(up);
            });
            code.pushFloat(0f);
            Code.Local down = code.storeNew("down", Type.FLOAT_TYPE);
            code.forLoopDown("j", () -> {
                code.load(n);
                code.pushInt(1);
                code.insn(ISUB);
            }, 0, j -> {
                code.load(down);
                code.load(j);
                code.pushInt(1);
                code.insn(IADD);
                code.insn(I2F);
                code.loadFloat(x, j);
                code.insn(FMUL);
                code.insn(FADD);
                code.store(down);
            });
            code.pushInt(2);
            mv.visitIntInsn(NEWARRAY, T_FLOAT);
            code.insn(DUP);
            code.pushInt(0);
            code.load(up);
            code.insn(FASTORE);
            code.insn(DUP);
            code.pushInt(1);
            code.load(down);
            code.insn(FASTORE);
            code.insn(ARETURN);
            code.finish();
        });
        float[] x = {0.5f, -1.25f, 3f, 0.1f};
        float up = 0f;
        for (int i = 0; i < x.length; i++) {
            up = up + (i + 1) * x[i];
        }
        float down = 0f;
        for (int j = x.length - 1; j >= 0; j--) {
            down = down + (j + 1) * x[j];
        }
        assertArrayEquals(new float[] {up, down}, (float[]) probe.getMethod("sums", float[].class, int.class)
                .invoke(null, x, x.length));
        assertArrayEquals(new float[] {0f, 0f}, (float[]) probe.getMethod("sums", float[].class, int.class)
                .invoke(null, x, 0), "a zero bound runs no iteration");
    }

    @Test
    void classVersions() {
        assertEquals(52, ClassFiles.majorVersion(8));
        assertEquals(55, ClassFiles.majorVersion(11));
        assertEquals(61, ClassFiles.majorVersion(17));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ClassFiles.majorVersion(9));
    }

    @Test
    void commonSuperClassNeedsNoClassLoading() {
        ModelClassWriter cw = new ModelClassWriter(Map.of("a/Gen", "io/github/lstmc/runtime/AbstractLstmNetwork",
                "a/Gen2", "io/github/lstmc/runtime/AbstractLstmNetwork"));
        assertEquals("io/github/lstmc/runtime/AbstractLstmNetwork", cw.getCommonSuperClass("a/Gen", "a/Gen2"));
        assertEquals("a/Gen", cw.getCommonSuperClass("a/Gen", "a/Gen"));
        assertEquals("java/lang/Object", cw.getCommonSuperClass("a/Gen", "does/not/Exist"));
        assertEquals("java/lang/Object", cw.getCommonSuperClass("java/lang/String", "[F"));
    }
}
