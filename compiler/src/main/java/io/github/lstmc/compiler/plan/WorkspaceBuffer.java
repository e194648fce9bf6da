package io.github.lstmc.compiler.plan;

/**
 * One scratch buffer of {@code LstmWorkspace}: its length for a workspace of {@code batch} rows and
 * {@code maxSeq} steps is {@code fixed + perPosition * batch * maxSeq} (computed with
 * the runtime's overflow-checked {@code Sizes}).
 *
 * @param purpose     what it holds (for comments)
 * @param fixed       length independent of the call size
 * @param perPosition length per (batch row, time step)
 */
public record WorkspaceBuffer(String purpose, int fixed, int perPosition) {
}
