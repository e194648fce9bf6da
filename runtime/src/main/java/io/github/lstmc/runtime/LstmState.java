package io.github.lstmc.runtime;

/**
 * The recurrent state of a network for a batch: per layer and direction, the hidden state
 * {@code h} and the cell state {@code c}. Mutable and owned by the caller; not thread-safe.
 *
 * <p>Index {@code k = layer * directions + direction} (PyTorch's order; direction 0 is forward,
 * 1 reverse). {@code hidden(k)} holds {@code [B][stateSize(layer)]} and {@code cell(k)} holds
 * {@code [B][cellSize(layer)]}, row-major, batch first. The arrays are live: write an initial
 * state into them before a call, read the final state after it.
 *
 * <p>Only an LSTM layer has a cell state; for a GRU or RNN layer ({@link LstmNetwork#cellSize(int)} 0)
 * {@code cell(k)} is an empty array, never null, so that every entry has the same two arrays.
 *
 * <p><b>Portable state.</b> A state made by a network's {@link LstmNetwork#newState newState}
 * knows its model: {@link #toBytes()} writes it in the format below, {@link #readFrom(byte[])}
 * reads it back bit for bit and refuses (with an {@link IllegalArgumentException}, before changing
 * anything) bytes of another model, of another model version, or of another shape. The model is
 * identified by the first 128 bits of its {@link LstmNetwork#modelDigest() digest}, which the
 * compiler computes from the model's structure and weights: the generated classes of both back ends
 * and the reference interpreter of one model share it, so their states are interchangeable (the
 * engines compute the same function, so a state carries over; only generated classes of either
 * back end continue bit for bit alike). A retrained or re-quantized model has another digest.
 *
 * <p>Format, version 1, all numbers little-endian: the 4 ASCII bytes {@code LSTS}; one byte, the
 * format version (1); the 16 bytes of the digest's first 128 bits; int32 rows {@code B}; int32
 * the number of arrays {@code n}; {@code n} int32s, each array's floats per row; then each array in
 * turn, {@code B} rows of its floats as IEEE 754 binary32 bits ({@code Float.floatToRawIntBits}, so
 * NaN payloads survive). The arrays are {@code hidden(0), cell(0), hidden(1), cell(1), ...}; a
 * state without a cell state has arrays of 0 floats per row there. {@link #toBytes(int)} writes one
 * row as a one-row state, which {@link #readFrom(byte[], int)} reads into any row of a batch.
 *
 * <p><b>Gather and scatter.</b> To step many independent streams (keys) in one call, keep one
 * batch state and workspace, read each key's state into a row ({@link #readFrom(byte[], int)}, or
 * {@link #copyRow} from a one-row state), call {@code forward} with {@code sequenceLength} 1 on the
 * first {@code n} rows (or {@code step} when every row is used), and write the rows back
 * ({@link #toBytes(int)}, {@link #copyRow}). The only cost beyond the step is those copies;
 * {@code copyRow}, {@code readFrom} and {@code reset} (after a state's first reset, which makes the
 * one-row initial state it copies from) allocate nothing.
 */
public final class LstmState {
    private static final int VERSION = 1;
    private static final int DIGEST_BYTES = 16;
    private static final int FIXED_HEADER = 4 + 1 + DIGEST_BYTES + 4 + 4;

    private final int batch;
    private final float[][] hidden;
    private final float[][] cell;
    /** The network whose newState made this state, whose model it holds; null if made by hand. */
    private final LstmNetwork owner;
    /** One row of the owner's initial state, made on the first {@link #reset}. */
    private LstmState initialRow;

    /**
     * A zero state that belongs to no model: it cannot be written to or read from bytes, and
     * {@link #reset()} sets it to zeros. Networks make states with {@link LstmNetwork#newState}.
     *
     * @param batch      rows, at least 1
     * @param stateSizes per index {@code k}, the hidden state size
     * @param cellSizes  per index {@code k}, the cell size (0 for a layer without cell state)
     */
    public LstmState(int batch, int[] stateSizes, int[] cellSizes) {
        this(batch, stateSizes, cellSizes, null);
    }

    LstmState(int batch, int[] stateSizes, int[] cellSizes, LstmNetwork owner) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        if (stateSizes.length != cellSizes.length) {
            throw new IllegalArgumentException("stateSizes and cellSizes differ in length");
        }
        this.batch = batch;
        this.owner = owner;
        this.hidden = new float[stateSizes.length][];
        this.cell = new float[cellSizes.length][];
        for (int k = 0; k < stateSizes.length; k++) {
            hidden[k] = new float[Sizes.multiply(batch, stateSizes[k])];
            cell[k] = new float[Sizes.multiply(batch, cellSizes[k])];
        }
    }

    /** Batch rows this state holds. */
    public int batch() {
        return batch;
    }

    /** Number of (layer, direction) entries. */
    public int size() {
        return hidden.length;
    }

    /** The live hidden state {@code h} of entry {@code k}: {@code [B][stateSize]}. */
    public float[] hidden(int k) {
        return hidden[k];
    }

    /** The live cell state {@code c} of entry {@code k}: {@code [B][cellSize]}; empty for a GRU or RNN layer. */
    public float[] cell(int k) {
        return cell[k];
    }

    /** Array {@code i} of the serialized order: hidden(0), cell(0), hidden(1), ... */
    private float[] array(int i) {
        return (i & 1) == 0 ? hidden[i >> 1] : cell[i >> 1];
    }

    private int arrays() {
        return 2 * hidden.length;
    }

    /**
     * Sets every row back to the initial state the model defines: what {@code newState} returns (the
     * model's constant initial state, or zeros). A state made by hand becomes zeros.
     */
    public void reset() {
        for (int row = 0; row < batch; row++) {
            reset(row);
        }
    }

    /** {@link #reset()} for one row, as when a batch slot is given to a new stream. */
    public void reset(int row) {
        checkRow(row, batch);
        if (owner == null) {
            for (int i = 0; i < arrays(); i++) {
                int width = array(i).length / batch;
                java.util.Arrays.fill(array(i), row * width, (row + 1) * width, 0f);
            }
            return;
        }
        if (initialRow == null) {
            initialRow = owner.newState(1);
        }
        initialRow.copyRow(0, this, row);
    }

    /** A deep copy: same model, same values; later changes to either do not affect the other. */
    public LstmState copy() {
        LstmState copy = new LstmState(batch, new int[hidden.length], new int[cell.length], owner);
        for (int i = 0; i < arrays(); i++) {
            float[] from = array(i);
            float[] to = java.util.Arrays.copyOf(from, from.length);
            if ((i & 1) == 0) {
                copy.hidden[i >> 1] = to;
            } else {
                copy.cell[i >> 1] = to;
            }
        }
        return copy;
    }

    /**
     * Copies row {@code row} of every array into row {@code targetRow} of {@code target}, a state
     * of the same model (any batch). Allocates nothing.
     *
     * @throws IllegalArgumentException if a row is out of range, or the target has other arrays or
     *         belongs to another model
     */
    public void copyRow(int row, LstmState target, int targetRow) {
        if (target == null) {
            throw new IllegalArgumentException("target must not be null");
        }
        checkRow(row, batch);
        checkRow(targetRow, target.batch);
        if (owner != null && target.owner != null && owner != target.owner
                && !owner.modelDigest().equals(target.owner.modelDigest())) {
            throw new IllegalArgumentException("target is a state of another model (digest "
                    + target.owner.modelDigest() + ", this state's " + owner.modelDigest() + ")");
        }
        if (target.arrays() != arrays()) {
            throw new IllegalArgumentException("target has " + target.arrays() + " arrays, this state " + arrays());
        }
        for (int i = 0; i < arrays(); i++) {
            int width = array(i).length / batch;
            if (target.array(i).length / target.batch != width) {
                throw new IllegalArgumentException("array " + i + " of target has " + target.array(i).length
                        / target.batch + " floats per row, this state " + width);
            }
        }
        for (int i = 0; i < arrays(); i++) {
            int width = array(i).length / batch;
            System.arraycopy(array(i), row * width, target.array(i), targetRow * width, width);
        }
    }

    /** Every row, in the format described {@linkplain LstmState above}. */
    public byte[] toBytes() {
        return encode(0, batch);
    }

    /** Row {@code row} alone, as the bytes of a one-row state. */
    public byte[] toBytes(int row) {
        checkRow(row, batch);
        return encode(row, 1);
    }

    /**
     * Reads bytes written by {@link #toBytes()} of a state with the same model and batch.
     *
     * @throws IllegalArgumentException naming what does not match, before any value changes
     */
    public void readFrom(byte[] bytes) {
        decode(bytes, 0, batch);
    }

    /**
     * Reads the bytes of a one-row state ({@link #toBytes(int)}, or {@link #toBytes()} of a state of
     * batch 1) of the same model into row {@code row}.
     */
    public void readFrom(byte[] bytes, int row) {
        checkRow(row, batch);
        decode(bytes, row, 1);
    }

    private String digest() {
        String digest = owner == null ? "" : owner.modelDigest();
        if (digest.length() < 2 * DIGEST_BYTES) {
            throw new UnsupportedOperationException(owner == null
                    ? "this state was made by hand, not by a network's newState: it belongs to no model"
                    : "the network that made this state has no model digest (only lstmc's networks have one)");
        }
        return digest;
    }

    private byte[] encode(int from, int rows) {
        String digest = digest();
        int floats = 0;
        for (int i = 0; i < arrays(); i++) {
            floats += array(i).length / batch * rows;
        }
        byte[] out = new byte[FIXED_HEADER + 4 * arrays() + 4 * floats];
        out[0] = 'L';
        out[1] = 'S';
        out[2] = 'T';
        out[3] = 'S';
        out[4] = VERSION;
        for (int b = 0; b < DIGEST_BYTES; b++) {
            out[5 + b] = (byte) (Character.digit(digest.charAt(2 * b), 16) << 4
                    | Character.digit(digest.charAt(2 * b + 1), 16));
        }
        int at = putInt(out, 5 + DIGEST_BYTES, rows);
        at = putInt(out, at, arrays());
        for (int i = 0; i < arrays(); i++) {
            at = putInt(out, at, array(i).length / batch);
        }
        for (int i = 0; i < arrays(); i++) {
            float[] a = array(i);
            int width = a.length / batch;
            for (int j = from * width, end = (from + rows) * width; j < end; j++) {
                at = putInt(out, at, Float.floatToRawIntBits(a[j]));
            }
        }
        return out;
    }

    /** Checks everything first, then copies {@code rows} rows into rows {@code to..}. */
    private void decode(byte[] in, int to, int rows) {
        String digest = digest();
        if (in == null) {
            throw new IllegalArgumentException("state bytes must not be null");
        }
        if (in.length < FIXED_HEADER || in[0] != 'L' || in[1] != 'S' || in[2] != 'T' || in[3] != 'S') {
            throw new IllegalArgumentException("not lstmc state bytes (they start with \"LSTS\" and hold at least "
                    + FIXED_HEADER + " bytes)");
        }
        if (in[4] != VERSION) {
            throw new IllegalArgumentException("state bytes of format version " + in[4] + "; this runtime reads version "
                    + VERSION);
        }
        for (int b = 0; b < DIGEST_BYTES; b++) {
            if (Character.digit(digest.charAt(2 * b), 16) != (in[5 + b] >> 4 & 15)
                    || Character.digit(digest.charAt(2 * b + 1), 16) != (in[5 + b] & 15)) {
                throw new IllegalArgumentException("state bytes of another model: digest " + hex(in, 5, DIGEST_BYTES)
                        + ", this network's model " + digest.substring(0, 2 * DIGEST_BYTES));
            }
        }
        if (getInt(in, 5 + DIGEST_BYTES) != rows) {
            throw new IllegalArgumentException("state bytes hold " + getInt(in, 5 + DIGEST_BYTES) + " rows, expected "
                    + rows);
        }
        int n = getInt(in, FIXED_HEADER - 4);
        long expected = FIXED_HEADER + 4L * arrays();
        if (n != arrays() || in.length < expected) {
            throw new IllegalArgumentException("state bytes hold " + n + " arrays, this state " + arrays());
        }
        for (int i = 0; i < arrays(); i++) {
            int width = array(i).length / batch;
            int stored = getInt(in, FIXED_HEADER + 4 * i);
            if (stored != width) {
                throw new IllegalArgumentException("array " + i + " of the state bytes has " + stored
                        + " floats per row, this state " + width);
            }
            expected += 4L * width * rows;
        }
        if (in.length != expected) {
            throw new IllegalArgumentException("state bytes have " + in.length + " bytes, expected " + expected);
        }
        int at = FIXED_HEADER + 4 * arrays();
        for (int i = 0; i < arrays(); i++) {
            float[] a = array(i);
            int width = a.length / batch;
            for (int j = to * width, end = (to + rows) * width; j < end; j++, at += 4) {
                a[j] = Float.intBitsToFloat(getInt(in, at));
            }
        }
    }

    private static int putInt(byte[] out, int at, int value) {
        out[at] = (byte) value;
        out[at + 1] = (byte) (value >> 8);
        out[at + 2] = (byte) (value >> 16);
        out[at + 3] = (byte) (value >> 24);
        return at + 4;
    }

    private static int getInt(byte[] in, int at) {
        return in[at] & 255 | (in[at + 1] & 255) << 8 | (in[at + 2] & 255) << 16 | in[at + 3] << 24;
    }

    private static String hex(byte[] bytes, int from, int count) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < from + count; i++) {
            s.append(Character.forDigit(bytes[i] >> 4 & 15, 16)).append(Character.forDigit(bytes[i] & 15, 16));
        }
        return s.toString();
    }

    private static void checkRow(int row, int rows) {
        if (row < 0 || row >= rows) {
            throw new IllegalArgumentException("row must be in 0.." + (rows - 1) + ", got " + row);
        }
    }
}
