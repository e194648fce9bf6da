/**
 * The bytecode back end: renders a {@link io.github.lstmc.compiler.plan.Plan} directly as a JVM
 * class file with ASM, so that lstmc needs no Java compiler and can compile a model at run time
 * (see {@link io.github.lstmc.compiler.Lstmc#instantiate} and {@link io.github.lstmc.compiler.Lstmc#loadNetwork}).
 *
 * <p>Entry point: {@link io.github.lstmc.compiler.emit.bytecode.BytecodeEmitter#emit}. Each plan node is
 * rendered by one class, next to the Javadoc restating its semantics:
 * <ul>
 *   <li>{@code SkeletonEmitter}: the class itself ({@code Plan}): weight fields and their
 *       {@code <clinit>} ({@code WeightField}), constructor, size accessors, {@code workspaceSizes},
 *       {@code forwardChecked} and {@code stepChecked};</li>
 *   <li>{@code DriverEmitter}: {@code DirectionPlan}, the batch/time loops with lengths and reverse;</li>
 *   <li>{@code ProductEmitter}: {@code UnrolledMatVec}, {@code LoopedMatVec} and {@code InputProjection};</li>
 *   <li>{@code CellUpdateEmitter}: {@code CellUpdate}, the elementwise gate and state update.</li>
 * </ul>
 * They share {@code Code} (constants pushed bit-exactly, named locals, loops, one line number per
 * plan operation) and {@code ModelClassWriter} (stack-map frames computed without loading classes).
 * The float operations and their order are those of the Java source back end, so that both back
 * ends give bit-identical results; {@code BackendDifferentialTest} checks this.
 */
package io.github.lstmc.compiler.emit.bytecode;
