package io.github.lstmc.compiler.load.onnx;

import io.github.lstmc.compiler.load.onnx.GraphValue.Const;
import io.github.lstmc.compiler.load.onnx.GraphValue.Dims;
import io.github.lstmc.compiler.load.onnx.GraphValue.Expr;
import io.github.lstmc.compiler.load.onnx.GraphValue.Fill;
import io.github.lstmc.compiler.load.onnx.GraphValue.Ids;
import io.github.lstmc.compiler.load.onnx.GraphValue.LengthIndex;
import io.github.lstmc.compiler.load.onnx.GraphValue.Lengths;
import io.github.lstmc.compiler.load.onnx.GraphValue.Seq;
import io.github.lstmc.compiler.load.onnx.GraphValue.StateOut;
import io.github.lstmc.compiler.load.onnx.GraphValue.StateRows;

/** How refusals name a symbolic value of the graph walk. */
final class ValueDescriptions {
    private ValueDescriptions() {
    }

    static String of(GraphValue v) {
        if (v instanceof Const cst) {
            return "constant " + cst.tensor();
        } else if (v instanceof Dims) {
            return "a shape vector";
        } else if (v instanceof Fill f) {
            return "a tensor filled with " + f.value();
        } else if (v instanceof Seq s) {
            return "data from " + s.origin() + " with axes " + s.axes();
        } else if (v instanceof GraphValue.ConstState) {
            return "a constant initial state";
        } else if (v instanceof GraphValue.FixedLengths f) {
            return "constant sequence lengths " + f.rows();
        } else if (v instanceof GraphValue.Broadcast b) {
            return "constant " + b.tensor() + " expanded";
        } else if (v instanceof StateRows r) {
            return "rows " + r.from() + ".." + (r.to() - 1) + " of graph input '" + r.input() + "'";
        } else if (v instanceof Lengths l) {
            return "integer graph input '" + l.input() + "'";
        } else if (v instanceof StateOut o) {
            return (o.cell() ? "final cell state" : "final hidden state") + " of LSTM node(s) " + o.lstms();
        } else if (v instanceof Ids i) {
            return "token ids from graph input '" + i.input() + "'";
        } else if (v instanceof LengthIndex l) {
            return "lengths - 1 of graph input '" + l.input() + "'";
        } else if (v instanceof GraphValue.UnknownShape u) {
            return "the shape of tensor '" + u.tensor() + "'";
        } else if (v instanceof GraphValue.Arange) {
            return "0 .. batch - 1 (an index)";
        } else if (v instanceof GraphValue.PackedState p) {
            return "graph input '" + p.input() + "'" + (p.layer() < 0 ? " of rank 4" : " [:, " + p.layer() + ", :, "
                    + p.slot() + "]");
        } else if (v instanceof GraphValue.StateLayers l) {
            return of(l.states()) + " as [layers, directions, batch, hidden]";
        } else if (v instanceof GraphValue.Spread s) {
            return of(s.base()) + " on axis " + s.at() + " of rank " + s.rank();
        } else if (v instanceof GraphValue.ValidMask m) {
            return "a mask of the valid steps of graph input '" + m.lengths() + "'";
        } else if (v instanceof Expr e) {
            return "part of an elementwise expression of " + of(e.x());
        }
        return "an unsupported value";
    }
}
