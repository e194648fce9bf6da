/**
 * A strict, dependency-free safetensors reader decoding F32, F16, BF16 and F64 tensors to float32
 * ({@link io.github.lstmc.compiler.load.safetensors.SafetensorsReader}).
 */
package io.github.lstmc.compiler.load.safetensors;
