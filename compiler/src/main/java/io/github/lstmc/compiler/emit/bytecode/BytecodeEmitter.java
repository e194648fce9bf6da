package io.github.lstmc.compiler.emit.bytecode;

import static org.objectweb.asm.Opcodes.ACC_FINAL;
import static org.objectweb.asm.Opcodes.ACC_PUBLIC;
import static org.objectweb.asm.Opcodes.ACC_SUPER;

import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.GeneratedFile;
import io.github.lstmc.compiler.plan.DirectionPlan;
import io.github.lstmc.compiler.plan.LoopedMatVec;
import io.github.lstmc.compiler.plan.VectorMatVec;
import io.github.lstmc.compiler.plan.Plan;
import java.util.List;
import java.util.Map;

/**
 * The bytecode back end: renders a {@link Plan} straight into a class file with ASM, the same
 * class the Java source back end yields through javac: the same super class, fields and methods,
 * and the same float operations in the same order, so that (float arithmetic being strict on
 * every JVM from 17 on, and exactly rounded on every JVM for the operations used) both give
 * bit-identical results. It decides nothing; every choice is the plan's.
 *
 * <p>For debugging, the class names the model in its SourceFile attribute, numbers one line per
 * plan operation, and names every local variable (LocalVariableTable), so a stack trace reads
 * like {@code at lstmc.generated.Tagger.layer0Forward(tagger.safetensors:41)}.
 */
public final class BytecodeEmitter {

    private BytecodeEmitter() {
    }

    /**
     * Renders {@code plan} as the class {@code options.qualifiedName()} at class-file level
     * {@code options.targetRelease()}.
     *
     * @return one file, {@code <package path>/<Class>.class}
     */
    public static GeneratedCode emit(Plan plan, CompileOptions options) {
        String binaryName = options.qualifiedName();
        byte[] bytes = emitClass(plan, binaryName, options.targetRelease());
        return new GeneratedCode(List.of(new GeneratedFile(ClassFiles.classFilePath(binaryName), bytes)));
    }

    /** The class file for {@code plan} named {@code binaryName} ({@code a.b.C}) at release 8, 11 or 17. */
    static byte[] emitClass(Plan plan, String binaryName, int targetRelease) {
        String owner = ClassFiles.internalName(binaryName);
        ModelClassWriter cw = new ModelClassWriter(Map.of(owner, RuntimeTypes.ABSTRACT_NETWORK));
        cw.visit(ClassFiles.majorVersion(targetRelease), ACC_PUBLIC | ACC_FINAL | ACC_SUPER, owner, null,
                RuntimeTypes.ABSTRACT_NETWORK, null);
        cw.visitSource(sourceFileName(plan.header().modelName()), null);
        ClassContext cls = new ClassContext(cw, owner);

        SkeletonEmitter skeleton = new SkeletonEmitter(cls, plan);
        skeleton.annotation();
        skeleton.fields();
        skeleton.staticInitializer();
        skeleton.constructor();
        skeleton.accessors();
        skeleton.workspaceSizes();
        skeleton.forwardChecked();
        skeleton.stepChecked();

        ProductEmitter products = new ProductEmitter(cls);
        DriverEmitter drivers = new DriverEmitter(cls, products, plan.layout());
        CellUpdateEmitter cells = new CellUpdateEmitter(cls);
        HiddenUpdateEmitter hiddenCells = new HiddenUpdateEmitter(cls);
        for (DirectionPlan direction : plan.directions()) {
            drivers.emit(direction);
            if (direction.inputProjection() == null) {
                products.emitMethods(direction.gates());
            } else {
                if (direction.gates() instanceof VectorMatVec vectorized) {
                    products.emitVectorInputProjection(direction.inputProjection(), vectorized);
                } else {
                    products.emitInputProjection(direction.inputProjection(), (LoopedMatVec) direction.gates());
                }
            }
            if (direction.hiddenUpdate() == null) {
                cells.emit(direction.cell());
            } else {
                hiddenCells.emit(direction.hiddenUpdate());
            }
            if (direction.projection() != null) {
                products.emitMethods(direction.projection());
            }
            if (direction.resetProduct() != null) {
                products.emitMethods(direction.resetProduct());
            }
            if (direction.batchGroup() != null) {
                if (direction.gates() instanceof VectorMatVec vectorized) {
                    products.emitGroupedVector(direction.batchGroup(), vectorized);
                } else {
                    products.emitGrouped(direction.batchGroup(), (LoopedMatVec) direction.gates());
                }
            }
        }
        if (plan.stages() != null) {
            new StageEmitter(cls, plan).head(products);
        }
        cw.visitEnd();
        return cw.toByteArray();
    }

    /**
     * The SourceFile attribute: the model's name, which is untrusted text, reduced to printable
     * ASCII without path separators and at most 100 characters.
     */
    static String sourceFileName(String modelName) {
        StringBuilder name = new StringBuilder();
        if (modelName != null) {
            for (int i = 0; i < modelName.length() && name.length() < 100; i++) {
                char ch = modelName.charAt(i);
                boolean plain = ch > 0x20 && ch < 0x7f && ch != '/' && ch != '\\';
                name.append(plain ? ch : '_');
            }
        }
        return name.length() == 0 ? "model" : name.toString();
    }
}
