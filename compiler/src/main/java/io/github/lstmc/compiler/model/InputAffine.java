package io.github.lstmc.compiler.model;

/**
 * A constant per-feature transform of float input features before the recurrent stack:
 * {@code y[k] = x[k] * scale[k] + shift[k]}, in float32, multiply rounded before the add
 * (normalisation {@code (x - mean) / std} is {@code scale = 1/std, shift = -mean/std}, rounded once).
 *
 * @param scale per feature, finite
 * @param shift per feature, finite, the same length
 */
public record InputAffine(Matrix scale, Matrix shift) {

    public InputAffine {
        if (scale == null || shift == null || scale.rows() != 1 || shift.rows() != 1) {
            throw new IllegalArgumentException("input affine: scale and shift must be vectors");
        }
        if (scale.cols() != shift.cols()) {
            throw new IllegalArgumentException("input affine: scale has " + scale.cols() + " features, shift "
                    + shift.cols());
        }
        if (scale.firstNonFinite() >= 0 || shift.firstNonFinite() >= 0) {
            throw new IllegalArgumentException("input affine: values must be finite");
        }
    }

    /** Features transformed. */
    public int size() {
        return scale.cols();
    }
}
