package io.github.lstmc.compiler.emit.bytecode;

import static org.objectweb.asm.Opcodes.*;

import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;

/**
 * The body of one generated method: a thin layer over ASM's {@link MethodVisitor} that knows
 * how to push constants exactly, declare named locals (written to the LocalVariableTable, so a
 * debugger and a stack trace show {@code t}, {@code b}, {@code h} rather than slot numbers),
 * number lines, and write counted loops.
 *
 * <p>Locals live from their declaration to the end of the innermost open {@link #scope() scope}
 * (or of the method), after which their slots are reused.
 */
final class Code {
    private final MethodVisitor mv;
    private final Label start = new Label();
    private final List<Local> open = new ArrayList<>();
    private final int[] lines;
    private int nextSlot;

    /** A named local variable of the method. */
    record Local(String name, Type type, int slot, Label from) {
        /** The load opcode for this local's type. */
        int loadOpcode() {
            return type.getOpcode(ILOAD);
        }

        /** The store opcode for this local's type. */
        int storeOpcode() {
            return type.getOpcode(ISTORE);
        }
    }

    /**
     * Starts a method body. {@code this} (unless static) and the parameters become locals with
     * the given names.
     *
     * @param mv             the visitor of a method just created (visitCode not yet called)
     * @param isStatic       whether the method is static
     * @param owner          the internal name of the class (type of {@code this})
     * @param descriptor     the method descriptor
     * @param parameterNames one name per parameter
     */
    Code(MethodVisitor mv, boolean isStatic, String owner, String descriptor, String... parameterNames) {
        this(new int[1], mv, isStatic, owner, descriptor, parameterNames);
    }

    /**
     * As {@link #Code(MethodVisitor, boolean, String, String, String...)}, numbering lines from a
     * counter shared by the whole class so that every line number names one plan operation.
     *
     * @param lines a one-element counter: the last line number issued in the class
     */
    Code(int[] lines, MethodVisitor mv, boolean isStatic, String owner, String descriptor, String... parameterNames) {
        this.lines = lines;
        this.mv = mv;
        Type[] parameters = Type.getArgumentTypes(descriptor);
        if (parameters.length != parameterNames.length) {
            throw new IllegalArgumentException(descriptor + " has " + parameters.length + " parameters, got "
                    + parameterNames.length + " names");
        }
        mv.visitCode();
        mv.visitLabel(start);
        if (!isStatic) {
            declare("this", Type.getObjectType(owner), start);
        }
        for (int i = 0; i < parameters.length; i++) {
            declare(parameterNames[i], parameters[i], start);
        }
    }

    /** The underlying visitor, for instructions without a helper here. */
    MethodVisitor mv() {
        return mv;
    }

    private Local declare(String name, Type type, Label from) {
        Local local = new Local(name, type, nextSlot, from);
        nextSlot += type.getSize();
        open.add(local);
        return local;
    }

    /** Opens a scope: locals declared until {@link #close(int)} with the returned mark end there. */
    int scope() {
        return open.size();
    }

    /** Ends the scope opened at {@code mark}: its locals go out of scope and their slots are freed. */
    void close(int mark) {
        if (mark == open.size()) {
            return;
        }
        Label here = new Label();
        mv.visitLabel(here);
        while (open.size() > mark) {
            Local local = open.remove(open.size() - 1);
            mv.visitLocalVariable(local.name(), local.type().getDescriptor(), null, local.from(), here, local.slot());
            nextSlot = local.slot();
        }
    }

    /** A new int local holding the value on top of the stack. */
    Local storeNewInt(String name) {
        return storeNew(name, Type.INT_TYPE);
    }

    /**
     * A new local of {@code type} holding the value on top of the stack. Its debug range starts
     * after the store, as javac's does: a debugger never shows it before it has a value.
     */
    Local storeNew(String name, Type type) {
        int slot = nextSlot;
        mv.visitVarInsn(type.getOpcode(ISTORE), slot);
        Label assigned = new Label();
        mv.visitLabel(assigned);
        return declare(name, type, assigned);
    }

    /** The parameter or local declared under {@code name}. */
    Local local(String name) {
        for (int i = open.size() - 1; i >= 0; i--) {
            if (open.get(i).name().equals(name)) {
                return open.get(i);
            }
        }
        throw new IllegalArgumentException("no local named " + name);
    }

    void load(Local local) {
        mv.visitVarInsn(local.loadOpcode(), local.slot());
    }

    void store(Local local) {
        mv.visitVarInsn(local.storeOpcode(), local.slot());
    }

    /** Starts a new source line (line numbers count plan operations, so a stack trace names the operation). */
    void line() {
        Label here = new Label();
        mv.visitLabel(here);
        mv.visitLineNumber(++lines[0], here);
    }

    /** Pushes an int constant with the shortest instruction. */
    void pushInt(int value) {
        if (value >= -1 && value <= 5) {
            mv.visitInsn(ICONST_0 + value);
        } else if (value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE) {
            mv.visitIntInsn(BIPUSH, value);
        } else if (value >= Short.MIN_VALUE && value <= Short.MAX_VALUE) {
            mv.visitIntInsn(SIPUSH, value);
        } else {
            mv.visitLdcInsn(value);
        }
    }

    /**
     * Pushes a float constant bit for bit: fconst for +0, 1 and 2 (never for -0, whose bits differ),
     * else an ldc of the exact value (the same bits as the source back end's hex literal).
     * NaN payloads are canonical in the constant pool and never occur in validated weights.
     */
    void pushFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (bits == 0) {
            mv.visitInsn(FCONST_0);
        } else if (bits == Float.floatToRawIntBits(1f)) {
            mv.visitInsn(FCONST_1);
        } else if (bits == Float.floatToRawIntBits(2f)) {
            mv.visitInsn(FCONST_2);
        } else {
            mv.visitLdcInsn(value);
        }
    }

    /** Pushes a string constant. */
    void pushString(String value) {
        mv.visitLdcInsn(value);
    }

    void insn(int opcode) {
        mv.visitInsn(opcode);
    }

    /** {@code local += delta} for an int local. */
    void increment(Local local, int delta) {
        mv.visitIincInsn(local.slot(), delta);
    }

    /** Loads {@code array[index]} of floats where both are locals. */
    void loadFloat(Local array, Local index) {
        load(array);
        load(index);
        mv.visitInsn(FALOAD);
    }

    /** A body that may use the loop variable. */
    @FunctionalInterface
    interface Body {
        void emit(Local variable);
    }

    /** Pushes a loop bound. */
    @FunctionalInterface
    interface Bound {
        void push();
    }

    /**
     * {@code for (int name = from; name < to; name++) body}, with the test at the top so a bound
     * of zero runs no iteration.
     */
    void forLoop(String name, int from, Bound to, Body body) {
        forLoop(name, () -> pushInt(from), to, body);
    }

    /** {@code for (int name = from; name < to; name++) body} with computed bounds ({@code to} is re-evaluated each test). */
    void forLoop(String name, Bound from, Bound to, Body body) {
        forLoop(name, from, to, 1, body);
    }

    /** {@code for (int name = from; name < to; name += step) body}. */
    void forLoop(String name, Bound from, Bound to, int step, Body body) {
        forLoop(name, from, to, body, i -> increment(i, step));
    }

    /** {@code for (int name = from; name < to; name += step) body} with a computed step. */
    void forLoop(String name, Bound from, Bound to, Bound step, Body body) {
        forLoop(name, from, to, body, i -> {
            load(i);
            step.push();
            mv.visitInsn(IADD);
            mv.visitVarInsn(ISTORE, i.slot());
        });
    }

    private void forLoop(String name, Bound from, Bound to, Body body, Body advance) {
        int mark = scope();
        from.push();
        Local i = storeNewInt(name);
        Label test = new Label();
        Label exit = new Label();
        mv.visitLabel(test);
        load(i);
        to.push();
        mv.visitJumpInsn(IF_ICMPGE, exit);
        body.emit(i);
        advance.emit(i);
        mv.visitJumpInsn(GOTO, test);
        mv.visitLabel(exit);
        close(mark);
    }

    /** {@code for (int name = from; name < to; name++)} with a constant bound. */
    void forLoop(String name, int from, int to, Body body) {
        forLoop(name, from, () -> pushInt(to), body);
    }

    /**
     * {@code for (int name = from; name >= downTo; name--) body}: walks backwards, for reverse
     * directions.
     */
    void forLoopDown(String name, Bound from, int downTo, Body body) {
        int mark = scope();
        from.push();
        Local i = storeNewInt(name);
        Label test = new Label();
        Label exit = new Label();
        mv.visitLabel(test);
        load(i);
        pushInt(downTo);
        mv.visitJumpInsn(IF_ICMPLT, exit);
        body.emit(i);
        increment(i, -1);
        mv.visitJumpInsn(GOTO, test);
        mv.visitLabel(exit);
        close(mark);
    }

    /** Calls a static method. */
    void invokeStatic(String owner, String name, String descriptor) {
        mv.visitMethodInsn(INVOKESTATIC, owner, name, descriptor, false);
    }

    /** Calls an instance method of a class. */
    void invokeVirtual(String owner, String name, String descriptor) {
        mv.visitMethodInsn(INVOKEVIRTUAL, owner, name, descriptor, false);
    }

    /** Calls an interface method. */
    void invokeInterface(String owner, String name, String descriptor) {
        mv.visitMethodInsn(INVOKEINTERFACE, owner, name, descriptor, true);
    }

    /** Reads a static field. */
    void getStatic(String owner, String name, String descriptor) {
        mv.visitFieldInsn(GETSTATIC, owner, name, descriptor);
    }

    /** Writes a static field. */
    void putStatic(String owner, String name, String descriptor) {
        mv.visitFieldInsn(PUTSTATIC, owner, name, descriptor);
    }

    /** Ends the method: closes every local's scope and lets ASM compute sizes and frames. */
    void finish() {
        close(0);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }
}
