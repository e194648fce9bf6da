package io.github.lstmc.compiler.load.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.LoadOptions;
import io.github.lstmc.compiler.load.onnx.GraphValue.Axis;
import io.github.lstmc.compiler.load.onnx.GraphValue.Factor;
import io.github.lstmc.compiler.load.onnx.GraphValue.Lengths;
import io.github.lstmc.compiler.load.onnx.GraphValue.Seq;
import io.github.lstmc.compiler.load.onnx.GraphValue.StateOut;
import io.github.lstmc.compiler.load.onnx.GraphValue.StateRows;
import io.github.lstmc.compiler.load.onnx.GraphValue.Unsupported;
import io.github.lstmc.compiler.load.onnx.GraphWalker.LstmNode;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.GraphProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.ModelProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.OperatorSetIdProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.ValueInfoProto;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.Layout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Imports an ONNX model holding an LSTM stack: a single LSTM node (opset 7 to 22, every attribute
 * and input), or a whole graph as {@code torch.onnx.export} writes {@code nn.LSTM} (one LSTM node per
 * layer, any number of layers, bidirectional, batch_first, with the Transpose/Squeeze/Reshape glue
 * and the Shape/Gather/ConstantOfShape zero initial states around them).
 *
 * <p>What the model holds and what it takes at run time:
 * <ul>
 * <li>W, R, B and P must be constants (initializers, possibly behind Constant/Identity/Cast nodes);
 *     they are compiled in. A weight fed by a graph input is an error.</li>
 * <li>initial_h/initial_c may be absent, all-zero constants (a Fill or zero initializer; the same as
 *     starting from the default zero state), or a graph input ({@code [D, batch, H]}, or
 *     {@code [layers*D, batch, H]} sliced per layer as torch exports h0/c0): then the caller passes
 *     that tensor as the initial state at run time ({@link OnnxImport#initialHidden()}). A non-zero
 *     constant initial state is refused: the IR has no place for it, and silently dropping it
 *     would change the results.</li>
 * <li>sequence_lens may be absent or an integer graph input, passed as lengths at run time. A
 *     constant sequence_lens is refused for the same reason.</li>
 * </ul>
 *
 * <p>Every problem is an {@link LstmcException} naming the file and the node, attribute or tensor.
 * Sizes are checked before anything is allocated.
 */
public final class OnnxLoader {
    /** The oldest opset whose LSTM (LSTM-7) lstmc reads; later versions only add layout (14) and types. */
    static final long MIN_OPSET = 7;

    private OnnxLoader() {
    }

    /**
     * Reads {@code file} and returns its model. The model's layout is the graph input's unless
     * {@code options} names one; a config or tensor prefix is an error (ONNX files need neither).
     */
    public static Model load(Path file, LoadOptions options) throws LstmcException {
        if (options != null && (options.config() != null || options.prefix() != null)) {
            throw new LstmcException(file + ": ONNX models take no config or tensor prefix");
        }
        Model model = read(file).model();
        if (options != null && options.layout() != null && options.layout() != model.layout()) {
            return new Model(model.name(), model.layers(), options.layout());
        }
        return model;
    }

    /** Reads {@code file}, with the names of the graph inputs the model takes at run time. */
    public static OnnxImport read(Path file) throws LstmcException {
        String name = String.valueOf(file.getFileName());
        byte[] bytes;
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            // Files.size is 0 for a device such as /dev/zero, which readAllBytes would read forever
            throw new LstmcException(file + ": is not a regular file (a device, pipe or socket?)");
        }
        try {
            long size = Files.size(file);
            if (size > Integer.MAX_VALUE - 8) {
                throw new LstmcException(file + ": " + size + " bytes is more than lstmc reads from one ONNX file (2 GiB)");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new LstmcException(file + ": no such file");
        } catch (IOException e) {
            throw new LstmcException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        return read(bytes, name);
    }

    /**
     * Imports a serialized {@code ModelProto}.
     *
     * @param bytes    the file's contents
     * @param fileName the name used in messages and as the model's name (extension stripped)
     */
    public static OnnxImport read(byte[] bytes, String fileName) throws LstmcException {
        Objects.requireNonNull(bytes, "bytes");
        String file = fileName == null ? "model.onnx" : fileName;
        ModelProto model;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setSizeLimit(Integer.MAX_VALUE);
            model = ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new LstmcException(file + ": not a valid ONNX model (protobuf: " + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new LstmcException(file + ": not a valid ONNX model (" + e.getMessage() + ")", e);
        }
        if (!model.hasGraph()) {
            throw new LstmcException(file + ": not an ONNX model (no graph)");
        }
        checkOpset(file, model);
        return importGraph(file, model.getGraph());
    }

    private static void checkOpset(String file, ModelProto model) throws LstmcException {
        Long opset = null;
        for (OperatorSetIdProto id : model.getOpsetImportList()) {
            if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
                opset = id.getVersion();
            }
        }
        if (opset == null) {
            throw new LstmcException(file + ": opset_import declares no version of the default ONNX domain");
        }
        if (opset < MIN_OPSET) {
            throw new LstmcException(file + ": opset_import is " + opset + "; lstmc reads LSTM from opset " + MIN_OPSET
                    + " on (re-export with a newer opset)");
        }
    }

    private static OnnxImport importGraph(String file, GraphProto graph) throws LstmcException {
        GraphWalker walker = new GraphWalker(file, graph);
        walker.walk();
        List<LstmNode> lstms = walker.lstms();
        if (lstms.isEmpty()) {
            TreeSet<String> ops = new TreeSet<>();
            graph.getNodeList().forEach(n -> ops.add(n.getOpType()));
            throw new LstmcException(file + ": the graph has no LSTM node (operators: "
                    + (ops.isEmpty() ? "none" : String.join(", ", ops)) + ")");
        }
        LstmNode first = lstms.get(0);
        Seq x0 = first.input();
        if (!x0.origin().isInput()) {
            throw new LstmcException(file + ": " + first.description() + " input X must come from a graph input");
        }
        String input = x0.origin().graphInput();
        Axis time = x0.axes().get(first.layout() == 0 ? 0 : 1);
        Axis batch = x0.axes().get(first.layout() == 0 ? 1 : 0);
        Factor timeFactor = time.factors().get(0);
        Layout layout = timeFactor.id().equals(input + ":0") ? Layout.SEQUENCE_FIRST : Layout.BATCH_FIRST;
        if (!x0.axes().get(2).factors().equals(List.of(new Factor(input + ":2", -1)))) {
            throw new LstmcException(file + ": " + first.description() + " input X must have the features of graph input '"
                    + input + "' on its last axis, got axes " + x0.axes());
        }
        List<Layer> layers = new ArrayList<>();
        for (int k = 0; k < lstms.size(); k++) {
            LstmNode node = lstms.get(k);
            Seq x = node.input();
            if (k > 0) {
                LstmNode previous = lstms.get(k - 1);
                if (x.origin().isInput() || x.origin().lstm() != k - 1) {
                    throw new LstmcException(file + ": " + node.description() + " input X must be the output of the"
                            + " previous LSTM node (" + previous.description() + "), got data from " + x.origin());
                }
                Axis t = x.axes().get(node.layout() == 0 ? 0 : 1);
                Axis b = x.axes().get(node.layout() == 0 ? 1 : 0);
                if (!t.equals(time) || !b.equals(batch)) {
                    throw new LstmcException(file + ": " + node.description() + " input X has its sequence and batch"
                            + " axes swapped relative to the first LSTM (axes " + x.axes() + ")");
                }
                if (!x.axes().get(2).factors().equals(features(previous))) {
                    throw new LstmcException(file + ": " + node.description() + " input X must have the previous"
                            + " layer's output features (" + new Axis(features(previous)) + ") on its last axis, got "
                            + x.axes().get(2));
                }
            }
            layers.add(node.layer());
        }
        String h0 = stateInput(file, lstms, true, input);
        String c0 = stateInput(file, lstms, false, input);
        String lengths = lengthsInput(file, lstms);
        checkOutputs(file, graph, walker, lstms, time, batch, layout);
        String name = file.endsWith(".onnx") ? file.substring(0, file.length() - 5) : file;
        try {
            return new OnnxImport(new Model(name, layers, layout), input, h0, c0, lengths);
        } catch (IllegalArgumentException e) {
            throw new LstmcException(file + ": " + e.getMessage(), e);
        }
    }

    /** The factors of an LSTM node's output features: (direction,) hidden. */
    private static List<Factor> features(LstmNode node) {
        List<Factor> f = new ArrayList<>();
        if (node.directions() == 2) {
            f.add(new Factor("dir:" + node.index(), 2));
        }
        f.add(new Factor("hid:" + node.index(), node.hidden()));
        return f;
    }

    private static String stateInput(String file, List<LstmNode> lstms, boolean hidden, String dataInput)
            throws LstmcException {
        String what = hidden ? "initial_h" : "initial_c";
        String input = null;
        int given = 0;
        for (int k = 0; k < lstms.size(); k++) {
            LstmNode node = lstms.get(k);
            StateRows rows = (StateRows) (hidden ? node.initialH() : node.initialC());
            if (rows == null) {
                continue;
            }
            given++;
            if (rows.input().equals(dataInput)) {
                throw new LstmcException(file + ": " + node.description() + " input " + what + " is the data input '"
                        + dataInput + "'");
            }
            if (input != null && !input.equals(rows.input())) {
                throw new LstmcException(file + ": " + node.description() + " input " + what + " comes from graph input '"
                        + rows.input() + "' but an earlier layer's comes from '" + input + "'; lstmc takes one"
                        + " initial state tensor for all layers");
            }
            input = rows.input();
            long from = (long) k * node.directions();
            if (rows.from() != from || rows.to() != from + node.directions()) {
                throw new LstmcException(file + ": " + node.description() + " (layer " + k + ") input " + what
                        + " takes rows " + rows.from() + ".." + (rows.to() - 1) + " of graph input '" + rows.input()
                        + "', expected rows " + from + ".." + (from + node.directions() - 1) + " (layer * directions +"
                        + " direction)");
            }
        }
        if (given != 0 && given != lstms.size()) {
            throw new LstmcException(file + ": " + what + " is a graph input for " + given + " of " + lstms.size()
                    + " layers; lstmc takes it for all layers or none");
        }
        return input;
    }

    private static String lengthsInput(String file, List<LstmNode> lstms) throws LstmcException {
        String input = null;
        for (int k = 0; k < lstms.size(); k++) {
            Lengths l = (Lengths) lstms.get(k).lengths();
            String name = l == null ? null : l.input();
            if (k > 0 && !Objects.equals(name, input)) {
                throw new LstmcException(file + ": " + lstms.get(k).description() + " input sequence_lens differs from"
                        + " the first layer's; lstmc applies one set of lengths to every layer");
            }
            input = name;
        }
        return input;
    }

    private static void checkOutputs(String file, GraphProto graph, GraphWalker walker, List<LstmNode> lstms,
                                     Axis time, Axis batch, Layout layout) throws LstmcException {
        LstmNode last = lstms.get(lstms.size() - 1);
        for (ValueInfoProto out : graph.getOutputList()) {
            String name = out.getName();
            GraphValue v = walker.value(name, "graph output '" + name + "'");
            if (v instanceof Unsupported u) {
                throw new LstmcException(u.message());
            }
            if (v instanceof StateOut) {
                continue;
            }
            if (!(v instanceof Seq s) || s.origin().isInput()) {
                throw new LstmcException(file + ": graph output '" + name + "' is not an output of the LSTM stack (it is "
                        + GraphWalker.describeValue(v) + ")");
            }
            if (s.origin().lstm() != last.index()) {
                throw new LstmcException(file + ": graph output '" + name + "' is the sequence output of "
                        + lstms.get(s.origin().lstm()).description() + "; lstmc models output only the last layer's");
            }
            int t = s.axes().indexOf(time);
            int b = s.axes().indexOf(batch);
            List<Factor> rest = new ArrayList<>();
            for (int k = 0; k < s.rank(); k++) {
                if (k != t && k != b) {
                    rest.addAll(s.axes().get(k).factors());
                }
            }
            if (t < 0 || b < 0 || !rest.equals(features(last))) {
                throw new LstmcException(file + ": graph output '" + name + "' has axes " + s.axes()
                        + ", which lstmc cannot map to [seq, batch, features] or [batch, seq, features]");
            }
            Layout outLayout = t < b ? Layout.SEQUENCE_FIRST : Layout.BATCH_FIRST;
            if (outLayout != layout) {
                throw new LstmcException(file + ": graph output '" + name + "' is " + outLayout + " but the input is "
                        + layout + "; lstmc models use one layout for both");
            }
        }
    }
}
