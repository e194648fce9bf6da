/**
 * Burn {@code Lstm}/{@code BiLstm} modules: the {@code LstmConfig} JSON
 * ({@link io.github.lstmc.compiler.load.burn.BurnLstmConfig}) plus safetensors weights under Burn's
 * module paths ({@link io.github.lstmc.compiler.load.burn.BurnLstmLoader}).
 */
package io.github.lstmc.compiler.load.burn;
