package io.github.lstmc.compiler.load.onnx;

import java.util.List;

/**
 * What the importer knows about one tensor of the graph: an abstract value computed by
 * {@link GraphWalker} instead of real data. Shapes are tracked symbolically: the sequence length and
 * batch size are unknown at import time, so an axis is described by the {@link Factor}s it is made of
 * (an input dimension, an LSTM's direction axis, its hidden axis), which lets the walker follow
 * Transpose/Reshape/Squeeze glue and check that it only relabels the data.
 */
sealed interface GraphValue {

    /**
     * An atomic dimension. {@code size} is known for direction and hidden factors; graph-input
     * factors are treated as unknown (the compiled model accepts any sequence length and batch size).
     */
    record Factor(String id, long size) {
        boolean known() {
            return size >= 0;
        }
    }

    /** One axis of a tensor: the product of its factors (none: an axis of size 1). */
    record Axis(List<Factor> factors) {
        public Axis {
            factors = List.copyOf(factors);
        }

        static Axis of(Factor... factors) {
            return new Axis(List.of(factors));
        }

        boolean isUnit() {
            return factors.isEmpty();
        }

        /** The size if every factor's is known, else -1. */
        long size() {
            long n = 1;
            for (Factor f : factors) {
                if (!f.known()) {
                    return -1;
                }
                n *= f.size();
            }
            return n;
        }

        @Override
        public String toString() {
            return factors.isEmpty() ? "1" : factors.stream().map(Factor::id).reduce((a, b) -> a + "*" + b).orElse("");
        }
    }

    /** A constant tensor (initializer, Constant node, or folded from constants). */
    record Const(OnnxTensor tensor) implements GraphValue {
    }

    /** One entry of a shape vector: a literal (axis null), or the size of a data axis. */
    record Dim(long literal, Axis axis) {
        static Dim literal(long value) {
            return new Dim(value, null);
        }

        boolean isSymbolic() {
            return axis != null && axis.size() < 0;
        }

        /** The value when known (a literal, or a data axis of known size), else -1. */
        long known() {
            return axis == null ? literal : axis.size();
        }
    }

    /** A shape vector (1-D int64, or a scalar when {@code scalar}) computed from Shape of data. */
    record Dims(List<Dim> dims, boolean scalar) implements GraphValue {
        public Dims {
            dims = List.copyOf(dims);
        }
    }

    /** A tensor filled with one value (ConstantOfShape, Expand of a uniform constant). */
    record Fill(double value) implements GraphValue {
    }

    /** Sequence data: the model input or an LSTM output, with its axes. */
    record Seq(Origin origin, List<Axis> axes) implements GraphValue {
        public Seq {
            axes = List.copyOf(axes);
        }

        int rank() {
            return axes.size();
        }
    }

    /** Where sequence data comes from: a graph input (lstm -1) or the Y output of LSTM node {@code lstm}. */
    record Origin(String graphInput, int lstm) {
        static Origin input(String name) {
            return new Origin(name, -1);
        }

        static Origin lstm(int index) {
            return new Origin(null, index);
        }

        boolean isInput() {
            return graphInput != null;
        }

        @Override
        public String toString() {
            return isInput() ? "graph input '" + graphInput + "'" : "LSTM node #" + lstm;
        }
    }

    /** Rows {@code from..to-1} (first axis) of a float graph input: an initial state given at run time. */
    record StateRows(String input, long from, long to) implements GraphValue {
    }

    /** An integer graph input: sequence lengths given at run time. */
    record Lengths(String input) implements GraphValue {
    }

    /** Final states (Y_h, Y_c) of LSTM nodes and their concatenations. */
    record StateOut(int lstm) implements GraphValue {
    }

    /** Something the importer does not understand; {@code message} says what (file and node). */
    record Unsupported(String message) implements GraphValue {
    }
}
