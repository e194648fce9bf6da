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
 * {@code OnnxLoader} checks that the nodes form one stack and that the graph outputs are its outputs.
 */
package io.github.lstmc.compiler.load.onnx;
