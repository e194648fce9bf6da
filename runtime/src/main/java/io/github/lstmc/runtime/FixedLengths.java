package io.github.lstmc.runtime;

/** The checks of a call to a network compiled with constant per-row lengths ({@link AbstractLstmNetwork#fixedLengths()}). */
final class FixedLengths {
    private FixedLengths() {
    }

    /**
     * Returns {@code fixed} after checking that the call has exactly its rows, at least its longest length
     * of steps, and {@code lengths} null or equal to it; an IllegalArgumentException naming the difference otherwise.
     */
    static int[] check(int[] fixed, int batch, int sequenceLength, int[] lengths) {
        if (batch != fixed.length) {
            throw new IllegalArgumentException("batch must be " + fixed.length + ": the network was compiled with"
                    + " constant sequence lengths for " + fixed.length + " rows, got " + batch);
        }
        for (int b = 0; b < batch; b++) {
            if (fixed[b] > sequenceLength) {
                throw new IllegalArgumentException("sequenceLength " + sequenceLength + " is shorter than the constant"
                        + " length " + fixed[b] + " of row " + b + " compiled into the network");
            }
            if (lengths != null && lengths[b] != fixed[b]) {
                throw new IllegalArgumentException("lengths[" + b + "] is " + lengths[b] + " but the network was"
                        + " compiled with the constant length " + fixed[b] + " for row " + b + " (pass null)");
            }
        }
        return fixed;
    }
}
