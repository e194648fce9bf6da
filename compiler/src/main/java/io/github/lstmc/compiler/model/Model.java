package io.github.lstmc.compiler.model;

import io.github.lstmc.runtime.Layout;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole network: a stack of LSTM layers, framework-neutral. Layer k+1 reads layer k's full
 * output. Validated on construction; messages name the layer, direction and tensor.
 *
 * @param name   a display name (usually the model file's base name); never trusted as Java text
 * @param layers at least one; all with the same number of directions
 * @param layout the layout of the flat buffers of the generated API (the user's framework default)
 */
public record Model(String name, List<Layer> layers, Layout layout) {

    public Model {
        if (name == null) {
            name = "model";
        }
        if (layout == null) {
            throw new IllegalArgumentException("layout must not be null");
        }
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one layer");
        }
        layers = List.copyOf(layers);
        int directions = layers.get(0).directions().size();
        for (int k = 0; k < layers.size(); k++) {
            Layer layer = layers.get(k);
            if (layer.directions().size() != directions) {
                throw new IllegalArgumentException("layer " + k + ": has " + layer.directions().size()
                        + " direction(s), layer 0 has " + directions);
            }
            if (directions == 1 && layer.directions().get(0).direction() != layers.get(0).directions().get(0).direction()) {
                throw new IllegalArgumentException("layer " + k + ": runs " + layer.directions().get(0).direction()
                        + " but layer 0 runs " + layers.get(0).directions().get(0).direction());
            }
            if (k > 0 && layer.inputSize() != layers.get(k - 1).outputSize()) {
                throw new IllegalArgumentException("layer " + k + ": input size must be " + layers.get(k - 1).outputSize()
                        + " (layer " + (k - 1) + "'s output), got " + layer.inputSize());
            }
        }
    }

    /** A single-layer model with the given layout. */
    public static Model of(String name, Layout layout, Layer... layers) {
        return new Model(name, new ArrayList<>(List.of(layers)), layout);
    }

    public int inputSize() {
        return layers.get(0).inputSize();
    }

    /** Output features per time step of the last layer. */
    public int outputSize() {
        return layers.get(layers.size() - 1).outputSize();
    }

    public int directionCount() {
        return layers.get(0).directions().size();
    }

    /** True if any layer walks the sequence in reverse (then streaming step-by-step use is impossible). */
    public boolean hasReverse() {
        return layers.stream().flatMap(l -> l.directions().stream()).anyMatch(d -> d.direction() == Direction.REVERSE);
    }

    public long parameterCount() {
        return layers.stream().mapToLong(Layer::parameterCount).sum();
    }

    /**
     * Floating-point operations per time step for one batch row, counting a multiply-add as 2:
     * 2*4H*(I+S) for the gate products, plus 2*P*H for a projection, per direction.
     */
    public long flopsPerStep() {
        long flops = 0;
        for (Layer layer : layers) {
            for (DirectionCell d : layer.directions()) {
                long h = d.hiddenSize();
                flops += 2L * 4 * h * (d.inputSize() + d.stateSize());
                if (d.projection() != null) {
                    flops += 2L * d.projection().rows() * h;
                }
            }
        }
        return flops;
    }
}
