/**
 * ONNX import: {@link io.github.lstmc.compiler.load.onnx.OnnxLoader} reads a {@code .onnx} file
 * (parsed with classes protoc generates at build time from {@code src/main/proto/onnx_subset.proto},
 * ONNX's own field numbers) and maps its LSTM nodes onto one {@link io.github.lstmc.compiler.model.Model}.
 *
 * <p>Stages: {@code OnnxTensors} decodes tensors (float, double, float16, bfloat16 and integer
 * types, raw or typed fields, sizes checked against the bytes present); {@code GraphWalker} walks
 * the graph computing an abstract {@code GraphValue} per tensor (constants folded, shapes followed
 * symbolically, data axes tracked as factors) so that torch.onnx.export's glue can be verified to
 * only relabel data; {@code LstmNodeImporter} turns each LSTM node into a
 * {@link io.github.lstmc.compiler.model.Layer} (gate blocks i,o,f,c to i,f,g,o; B split into input
 * and recurrent bias; peepholes i,o,f to i,f,o; activations with ONNX Runtime's parameter rules);
 * {@code OnnxLoader} checks that the nodes form one stack, and {@code NetworkOutput} maps the graph
 * outputs onto the stages after it (time reduction, head, lengths, scalar output).
 *
 * <p>The walker's operators are small handlers registered by family in {@code OpTable}:
 * {@code FoldingOps} (constants, shapes, Cast, If, Where, Range), {@code AxisOps} (Transpose,
 * Squeeze, Unsqueeze, Reshape), {@code SelectOps} (Gather, Slice, Concat) with {@code StepOps}
 * (time steps, directions, final-state rows), {@code RecurrentOps} (LSTM), {@code InputOps}
 * (embedding, input transform), {@code ArithOps} (Add/Sub/Mul/Div, GELU chains), {@code ClampOps}
 * (Clip/Max/Min/Equal/Not), {@code HeadOps} (dense layers, activations, softmax, BatchNormalization)
 * and {@code ReductionOps} (ReduceMean/ReduceMax, last valid step). {@code Cuts} finds where
 * {@code --from}/{@code --to} cuts work.
 */
package io.github.lstmc.compiler.load.onnx;
