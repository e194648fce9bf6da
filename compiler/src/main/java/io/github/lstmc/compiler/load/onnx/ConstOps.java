package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.LstmcException;
import java.util.List;

/** Slicing and concatenation of constant tensors (torch's opset-7 exports reorder gates with them). */
final class ConstOps {
    private ConstOps() {
    }

    /** Elements {@code from..to-1} of {@code axis}. */
    static OnnxTensor slice(OnnxTensor t, int axis, int from, int to) {
        long[] dims = t.dims().clone();
        int outer = 1;
        for (int k = 0; k < axis; k++) {
            outer *= (int) dims[k];
        }
        int inner = 1;
        for (int k = axis + 1; k < dims.length; k++) {
            inner *= (int) dims[k];
        }
        int n = (int) dims[axis];
        dims[axis] = to - from;
        int block = (to - from) * inner;
        float[] f = t.isFloat() ? new float[outer * block] : null;
        long[] l = t.isFloat() ? null : new long[outer * block];
        for (int o = 0; o < outer; o++) {
            int src = (o * n + from) * inner;
            if (f != null) {
                System.arraycopy(t.floats(), src, f, o * block, block);
            } else {
                System.arraycopy(t.longs(), src, l, o * block, block);
            }
        }
        return new OnnxTensor(t.name(), dims, f, l);
    }

    /** Concatenation along {@code axis} (negative counts from the end); shapes must agree elsewhere. */
    static OnnxTensor concat(List<OnnxTensor> parts, long axis, String name, String where) throws LstmcException {
        OnnxTensor first = parts.get(0);
        int rank = first.rank();
        int a = (int) (axis < 0 ? axis + rank : axis);
        if (a < 0 || a >= rank) {
            throw new LstmcException(where + ": Concat axis " + axis + " is outside rank " + rank);
        }
        long total = 0;
        for (OnnxTensor t : parts) {
            if (t.rank() != rank || t.isFloat() != first.isFloat()) {
                throw new LstmcException(where + ": Concat inputs " + first + " and " + t + " do not match");
            }
            for (int k = 0; k < rank; k++) {
                if (k != a && t.dims()[k] != first.dims()[k]) {
                    throw new LstmcException(where + ": Concat inputs " + first + " and " + t + " do not match");
                }
            }
            total += t.dims()[a];
        }
        long[] dims = first.dims().clone();
        dims[a] = total;
        int outer = 1;
        for (int k = 0; k < a; k++) {
            outer *= (int) dims[k];
        }
        int inner = 1;
        for (int k = a + 1; k < rank; k++) {
            inner *= (int) dims[k];
        }
        int size = (int) (outer * total * inner);
        float[] f = first.isFloat() ? new float[size] : null;
        long[] l = first.isFloat() ? null : new long[size];
        int at = 0;
        for (int o = 0; o < outer; o++) {
            for (OnnxTensor t : parts) {
                int block = (int) t.dims()[a] * inner;
                if (f != null) {
                    System.arraycopy(t.floats(), o * block, f, at, block);
                } else {
                    System.arraycopy(t.longs(), o * block, l, at, block);
                }
                at += block;
            }
        }
        return new OnnxTensor(name, dims, f, l);
    }
}
