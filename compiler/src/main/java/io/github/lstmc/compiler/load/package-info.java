/**
 * Model loaders: bytes in, validated {@link io.github.lstmc.compiler.model.Model} out.
 *
 * <p>{@link io.github.lstmc.compiler.load.ModelLoader} picks the format by extension:
 * {@code .safetensors} is a PyTorch {@code nn.LSTM} state dict, or Burn weights when
 * {@link io.github.lstmc.compiler.load.LoadOptions#config()} names a Burn {@code LstmConfig} JSON;
 * a {@code .json} is a Burn config with its weights beside it ({@code lstm.json} +
 * {@code lstm.safetensors}); {@code .onnx} is ONNX. Every problem with a file is an
 * {@link io.github.lstmc.compiler.LstmcException} with a one-line message naming the file and the
 * tensor or field.
 */
package io.github.lstmc.compiler.load;
