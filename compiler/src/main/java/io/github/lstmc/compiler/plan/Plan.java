package io.github.lstmc.compiler.plan;

import io.github.lstmc.runtime.Layout;
import java.util.ArrayList;
import java.util.List;

/**
 * The lowered, back-end-neutral description of one generated class. Emitters render it and decide
 * nothing: every unroll/loop choice, weight storage, folded constant and method cut is here.
 *
 * <p>The generated class is {@code public final class <Name> extends AbstractLstmNetwork}, annotated
 * {@code @LstmcGenerated(value = compilerVersion, modelDigest = weightDigest)}, with a public no-arg
 * constructor, the {@link #weights() weight fields}, and:
 * <ul>
 *   <li>{@code inputSize(), outputSize(), layerCount(), directionCount(), layout(), isStreamable()} returning
 *       the constants here; {@code hiddenSize(layer)} / {@code stateSize(layer)} from {@link LayerPlan}
 *       (an index outside {@code 0..layers-1} throws {@code IllegalArgumentException});</li>
 *   <li>{@code workspaceSizes(batch, maxSeq)}: one entry per {@link #workspace()} buffer;</li>
 *   <li>{@code forwardChecked(input, batch, steps, lengths, state, workspace, output)}: for each layer in
 *       order, for each direction in order, call its {@link DirectionPlan driver} with
 *       {@code in = inputBuffer < 0 ? input : workspace.buffer(inputBuffer)}, {@code out} likewise,
 *       {@code h = state.hidden(stateIndex)}, {@code c = state.cell(stateIndex)}, workspace buffers
 *       0, 1, 2 as {@code z, hraw, pz}, and {@code xz = workspace.buffer(inputProjection.buffer())}, or
 *       null when the direction has no {@link InputProjection}; with one, its pre-pass is called first,
 *       {@code inputProjection.method(in, xz, batch * steps, workspace.buffer(scratch[0]), ...)};</li>
 *   <li>{@code stepChecked(input, state, workspace, output)}: if streamable,
 *       {@code forwardChecked(input, state.batch(), 1, null, state, workspace, output)} (with one step
 *       both layouts index alike), else throw {@code UnsupportedOperationException}.</li>
 * </ul>
 *
 * @param header       text for the class comment and annotation
 * @param layout       the flat layout of input and output
 * @param inputSize    I
 * @param outputSize   O
 * @param directionCount 1 or 2
 * @param streamable   no reverse direction
 * @param layers       in order
 * @param weights      every weight field, in declaration order
 * @param workspace    the scratch buffers: 0 = z (gate pre-activations, then H floats for the cell), 1 = hraw, 2 = pz, then layer outputs,
 *                     then xz (precomputed input projections) and the pre-pass scratch buffers 1.. when any direction has one,
 *                     then the buffers of the {@link NetworkStages}
 * @param stages       what a whole network adds around the LSTM stack (its input stage, reduction over time and head),
 *                     or null for a bare LSTM; it changes {@code forwardChecked} as {@link NetworkStages} says
 */
public record Plan(Header header, Layout layout, int inputSize, int outputSize, int directionCount, boolean streamable,
                   List<LayerPlan> layers, List<WeightField> weights, List<WorkspaceBuffer> workspace,
                   NetworkStages stages) {

    /** A bare LSTM's plan. */
    public Plan(Header header, Layout layout, int inputSize, int outputSize, int directionCount, boolean streamable,
                List<LayerPlan> layers, List<WeightField> weights, List<WorkspaceBuffer> workspace) {
        this(header, layout, inputSize, outputSize, directionCount, streamable, layers, weights, workspace, null);
    }

    /**
     * Descriptive text. User text (the model name) is raw here: emitters must sanitize it.
     *
     * @param modelName       the model's display name, untrusted
     * @param summary         lines describing the model (sizes, activations, features), trusted ASCII
     * @param parameterCount  stored parameters
     * @param weightDigest    SHA-256 (hex) over the model's configuration and weights
     * @param compilerVersion {@link io.github.lstmc.compiler.Version#CURRENT}
     */
    public record Header(String modelName, List<String> summary, long parameterCount, String weightDigest,
                         String compilerVersion) {
        public Header {
            summary = List.copyOf(summary);
        }
    }

    public Plan {
        layers = List.copyOf(layers);
        weights = List.copyOf(weights);
        workspace = List.copyOf(workspace);
    }

    /** Every direction of every layer, in execution order. */
    /**
     * True when some layer has no cell state (GRU, RNN): the generated class then overrides
     * {@code cellSize(layer)}, 0 for those layers (an LSTM-only class inherits {@code hiddenSize}).
     */
    public boolean hasLayersWithoutCellState() {
        return layers.stream().anyMatch(l -> l.cellSize() != l.hiddenSize());
    }

    public List<DirectionPlan> directions() {
        List<DirectionPlan> all = new ArrayList<>();
        for (LayerPlan layer : layers) {
            all.addAll(layer.directions());
        }
        return all;
    }
}
