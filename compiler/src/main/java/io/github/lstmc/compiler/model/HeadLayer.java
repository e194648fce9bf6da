package io.github.lstmc.compiler.model;

/**
 * One stage of the head that follows the recurrent stack (and its time reduction): applied to one
 * vector at a time, per step or per batch row. All arithmetic is float32 as the frameworks do it.
 */
public sealed interface HeadLayer permits HeadLayer.Dense, HeadLayer.Elementwise, HeadLayer.PRelu,
        HeadLayer.Softmax {

    /** Features this stage takes. */
    int inputSize();

    /** Features this stage gives. */
    int outputSize();

    /** Stored parameters. */
    long parameterCount();

    /** Floating-point operations per applied vector (a multiply-add counts as 2). */
    long flops();

    /**
     * {@code y = W x + b} ({@code nn.Linear}, ONNX {@code Gemm}, {@code MatMul} + {@code Add}).
     *
     * @param weight {@code [out][in]}, finite
     * @param bias   a vector of {@code out} values, or null for none
     */
    record Dense(Matrix weight, Matrix bias) implements HeadLayer {
        public Dense {
            if (weight == null) {
                throw new IllegalArgumentException("dense layer: weight must not be null");
            }
            if (bias != null && (bias.rows() != 1 || bias.cols() != weight.rows())) {
                throw new IllegalArgumentException("dense layer: bias must have " + weight.rows() + " values, got "
                        + bias.shape());
            }
            if (weight.firstNonFinite() >= 0 || bias != null && bias.firstNonFinite() >= 0) {
                throw new IllegalArgumentException("dense layer: weights must be finite");
            }
        }

        @Override
        public int inputSize() {
            return weight.cols();
        }

        @Override
        public int outputSize() {
            return weight.rows();
        }

        @Override
        public long parameterCount() {
            return (long) weight.size() + (bias == null ? 0 : bias.size());
        }

        @Override
        public long flops() {
            return 2L * weight.size();
        }
    }

    /**
     * {@code y[k] = f(x[k])} for an elementwise function (ReLU, LeakyReLU, ELU, Sigmoid, HardSigmoid,
     * Tanh, Softplus, GELU, ...).
     *
     * @param size     features
     * @param function the function and its constants
     */
    record Elementwise(int size, Activation function) implements HeadLayer {
        public Elementwise {
            if (size < 1) {
                throw new IllegalArgumentException("elementwise stage: size must be at least 1, got " + size);
            }
            if (function == null) {
                throw new IllegalArgumentException("elementwise stage: function must not be null");
            }
        }

        @Override
        public int inputSize() {
            return size;
        }

        @Override
        public int outputSize() {
            return size;
        }

        @Override
        public long parameterCount() {
            return 0;
        }

        @Override
        public long flops() {
            return size;
        }
    }

    /**
     * {@code y[k] = x[k] >= 0 ? x[k] : slope[k] * x[k]} (PyTorch {@code nn.PReLU}, ONNX {@code PRelu}); a
     * single shared slope is stored once per feature.
     *
     * @param slope a vector, one value per feature
     */
    record PRelu(Matrix slope) implements HeadLayer {
        public PRelu {
            if (slope == null || slope.rows() != 1 || slope.firstNonFinite() >= 0) {
                throw new IllegalArgumentException("PReLU: slope must be a finite vector");
            }
        }

        @Override
        public int inputSize() {
            return slope.cols();
        }

        @Override
        public int outputSize() {
            return slope.cols();
        }

        @Override
        public long parameterCount() {
            return slope.size();
        }

        @Override
        public long flops() {
            return slope.size();
        }
    }

    /**
     * Softmax over the features, {@code y[k] = e^(x[k] - max) / sum_j e^(x[j] - max)}, or with
     * {@code log} its logarithm {@code x[k] - max - ln(sum_j e^(x[j] - max))}.
     *
     * @param size features
     * @param log  LogSoftmax instead
     */
    record Softmax(int size, boolean log) implements HeadLayer {
        public Softmax {
            if (size < 1) {
                throw new IllegalArgumentException("softmax: size must be at least 1, got " + size);
            }
        }

        @Override
        public int inputSize() {
            return size;
        }

        @Override
        public int outputSize() {
            return size;
        }

        @Override
        public long parameterCount() {
            return 0;
        }

        @Override
        public long flops() {
            return 3L * size;
        }
    }
}
