package io.github.lstmc.samples.wasm;

import org.teavm.jso.JSExport;

/**
 * The entry point TeaVM compiles to WebAssembly (WasmGC). The page ({@code index.html}) calls the
 * exported methods through {@code teavm.exports}.
 */
public final class WebMain {
    private WebMain() {
    }

    /** TeaVM's entry point; the page calls the exports below instead. */
    public static void main(String[] args) {
    }

    /** The sample input, {@code [4][48]} flattened. */
    @JSExport
    public static float[] sampleInput() {
        return SampleRun.input();
    }

    /** Every output of {@link SampleRun#outputs()}, computed here, in WebAssembly. */
    @JSExport
    public static float[] sampleOutputs() {
        return SampleRun.outputs();
    }

    /** The bits of the input and of every output, {@code input:<hex,...>;output:<hex,...>}. */
    @JSExport
    public static String sampleReport() {
        return "input:" + SampleRun.bits(SampleRun.input()) + ";output:" + SampleRun.bits(SampleRun.outputs());
    }
}
