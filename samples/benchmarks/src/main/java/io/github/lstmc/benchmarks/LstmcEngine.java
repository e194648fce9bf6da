package io.github.lstmc.benchmarks;

import io.github.lstmc.runtime.Layout;
import io.github.lstmc.runtime.ParallelLstm;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;

/**
 * An lstmc network (interpreter or generated class) through its allocation-free entry point:
 * state, workspace and output are made once, so a call measures the arithmetic only.
 */
final class LstmcEngine implements Engine {
    private final LstmNetwork network;
    private final Shape shape;
    private final float[] input;
    private final LstmState state;
    private final LstmWorkspace workspace;
    private final float[] output;

    /** @param batchFirstInput {@code B*T*I} floats, batch-first; re-laid-out if the network is sequence-first */
    LstmcEngine(LstmNetwork network, Shape shape, float[] batchFirstInput) {
        this.network = network;
        this.shape = shape;
        this.input = network.layout() == Layout.BATCH_FIRST ? batchFirstInput.clone()
                : Layouts.toSequenceFirst(batchFirstInput, shape.batch(), shape.steps(), shape.input());
        this.state = network.newState(shape.batch());
        this.workspace = network.newWorkspace(shape.batch(), shape.steps());
        this.output = new float[shape.batch() * shape.steps() * network.outputSize()];
    }

    /** The network run. */
    LstmNetwork network() {
        return network;
    }

    @Override
    public float[] forward() {
        state.reset();
        network.forward(input, shape.batch(), shape.steps(), null, state, workspace, output);
        return output;
    }

    /** Stops the threads of a {@link ParallelLstm} (other networks hold none). */
    @Override
    public void close() {
        if (network instanceof ParallelLstm parallel) {
            parallel.close();
        }
    }

    @Override
    public float[][][] lastOutput() {
        boolean batchFirst = network.layout() == Layout.BATCH_FIRST;
        return Layouts.unflatten(output, shape.batch(), shape.steps(), network.outputSize(), batchFirst);
    }
}
