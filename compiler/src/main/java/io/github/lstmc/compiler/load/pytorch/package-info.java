/**
 * PyTorch {@code nn.LSTM} state dicts in safetensors
 * ({@link io.github.lstmc.compiler.load.pytorch.PyTorchLstmLoader}).
 */
package io.github.lstmc.compiler.load.pytorch;
