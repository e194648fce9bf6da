package io.github.lstmc.compiler.run;

import io.github.lstmc.runtime.AbstractLstmNetwork;
import io.github.lstmc.runtime.Layout;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;

/**
 * A network with transparent arithmetic for testing {@link Runner}'s conversions: it reads its
 * flat buffers in its own {@link Layout}, so a layout mix-up in the runner shows as values at the
 * wrong place.
 *
 * <ul>
 *   <li>{@code output(b, t, o) = input(b, t, o % I) + 1000 * (o + 1)}</li>
 *   <li>final {@code hidden(k)[b][s] = h0 + 10 * k + 1}, final {@code cell(k)[b][h] = 2 * c0 - k}</li>
 * </ul>
 */
final class FakeNetwork extends AbstractLstmNetwork {
    private final int inputSize;
    private final int directions;
    private final int[] stateSizes;
    private final int[] hiddenSizes;
    private final Layout layout;
    int[] lastLengths;
    int calls;

    /** One entry of {@code stateSizes}/{@code hiddenSizes} per layer. */
    FakeNetwork(int inputSize, int directions, int[] stateSizes, int[] hiddenSizes, Layout layout) {
        this.inputSize = inputSize;
        this.directions = directions;
        this.stateSizes = stateSizes.clone();
        this.hiddenSizes = hiddenSizes.clone();
        this.layout = layout;
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    @Override
    public int outputSize() {
        return directions * stateSizes[stateSizes.length - 1];
    }

    @Override
    public int layerCount() {
        return stateSizes.length;
    }

    @Override
    public int directionCount() {
        return directions;
    }

    @Override
    public int hiddenSize(int layer) {
        return hiddenSizes[layer];
    }

    @Override
    public int stateSize(int layer) {
        return stateSizes[layer];
    }

    @Override
    public Layout layout() {
        return layout;
    }

    @Override
    public boolean isStreamable() {
        return false;
    }

    @Override
    protected int[] workspaceSizes(int batch, int maxSequenceLength) {
        return new int[0];
    }

    @Override
    protected void forwardChecked(float[] input, int batch, int sequenceLength, int[] lengths, LstmState state,
                                  LstmWorkspace workspace, float[] output) {
        calls++;
        lastLengths = lengths == null ? null : lengths.clone();
        int out = outputSize();
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < sequenceLength; t++) {
                int row = layout == Layout.BATCH_FIRST ? b * sequenceLength + t : t * batch + b;
                for (int o = 0; o < out; o++) {
                    output[row * out + o] = input[row * inputSize + o % inputSize] + 1000 * (o + 1);
                }
            }
        }
        for (int k = 0; k < state.size(); k++) {
            float[] h = state.hidden(k);
            for (int i = 0; i < h.length; i++) {
                h[i] += 10 * k + 1;
            }
            float[] c = state.cell(k);
            for (int i = 0; i < c.length; i++) {
                c[i] = 2 * c[i] - k;
            }
        }
    }

    @Override
    protected void stepChecked(float[] input, LstmState state, LstmWorkspace workspace, float[] output) {
        throw new UnsupportedOperationException();
    }
}
