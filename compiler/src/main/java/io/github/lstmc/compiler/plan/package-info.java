/**
 * The plan: a lowered, back-end-neutral description of a generated class (see {@link
 * io.github.lstmc.compiler.plan.Plan}). {@link io.github.lstmc.compiler.plan.Planner} makes every
 * decision; the Java source and bytecode emitters render the same plan and must compute the same
 * bits. The Javadoc of each record states its float operations and their order exactly.
 */
package io.github.lstmc.compiler.plan;
