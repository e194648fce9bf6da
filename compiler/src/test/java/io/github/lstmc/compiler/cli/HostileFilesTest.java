package io.github.lstmc.compiler.cli;

import static io.github.lstmc.compiler.load.safetensors.SafetensorsWriter.concat;
import static io.github.lstmc.compiler.load.safetensors.SafetensorsWriter.lengthPrefix;
import static io.github.lstmc.compiler.load.safetensors.SafetensorsWriter.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.AttributeProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.GraphProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.ModelProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.NodeProto;
import io.github.lstmc.compiler.load.onnx.proto.Onnx.TensorProto;
import io.github.lstmc.compiler.load.LoadOptions;
import io.github.lstmc.compiler.testing.Goldens;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hand-crafted hostile files for every loader, through the CLI and the API. For each: exit status
 * 2, a first stderr line {@code error: <message>} naming the file and the problem, no stack trace,
 * no output left behind ({@code compile} creates no directory, {@code run} writes no output); and
 * {@link Lstmc#load} throws {@link LstmcException} with the same message. Each case also runs under
 * a timeout, and the absurd-size cases are small files claiming billions of elements: they must be
 * refused from the header, before anything that large is allocated.
 */
class HostileFilesTest {
    private static final int I = 3;
    private static final int H = 4;

    @TempDir
    Path dir;

    // ------------------------------------------------------------------ safetensors (PyTorch)

    @TestFactory
    Stream<DynamicTest> safetensors() throws IOException {
        Path valid = Goldens.root().resolve("pytorch/basic/model.safetensors");
        byte[] good = Files.readAllBytes(valid);
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(model("truncated", "truncated.safetensors", Arrays.copyOf(good, good.length / 2)));
        tests.add(model("truncated in the length", "short.safetensors", Arrays.copyOf(good, 5)));
        tests.add(model("empty", "empty.safetensors", new byte[0]));
        tests.add(model("random", "random.safetensors", random(4096, 1)));
        tests.add(model("random with a small header length", "random2.safetensors",
                concat(lengthPrefix(40), random(200, 2))));
        tests.add(model("oversized header length", "hugeheader.safetensors", concat(lengthPrefix(1L << 40), "{}".getBytes())));
        tests.add(model("negative header length", "neg.safetensors", concat(lengthPrefix(-1), "{}".getBytes())));
        tests.add(model("header not JSON", "notjson.safetensors", raw("{\"weight_ih_l0\": [", new byte[0])));
        tests.add(model("header a JSON array", "array.safetensors", raw("[]", new byte[0])));
        tests.add(model("overlapping offsets", "overlap.safetensors", pytorch(
                entry("weight_ih_l0", "F32", "[16, 3]", 0, 192),
                entry("weight_hh_l0", "F32", "[16, 4]", 100, 356))));
        tests.add(model("out-of-range offsets", "range.safetensors", pytorch(
                entry("weight_ih_l0", "F32", "[16, 3]", 0, 192),
                entry("weight_hh_l0", "F32", "[16, 4]", 192, 1_000_000_192L))));
        tests.add(model("offsets beyond a long", "bigoff.safetensors", stFull(
                "{\"weight_ih_l0\": {\"dtype\": \"F32\", \"shape\": [16, 3], \"data_offsets\": [0, 99999999999999999999999]}}",
                192)));
        tests.add(model("offsets that do not match the shape", "mismatch.safetensors", pytorch(
                entry("weight_ih_l0", "F32", "[16, 3]", 0, 100))));
        tests.add(model("wrong dtype", "dtype.safetensors", valid(t -> t.replace("\"dtype\": \"F32\", \"shape\": [16, 3]",
                "\"dtype\": \"I32\", \"shape\": [16, 3]"))));
        tests.add(model("unknown dtype", "dtype2.safetensors", valid(t -> t.replace("\"F32\"", "\"F128\""))));
        tests.add(model("wrong shape", "shape.safetensors", valid(t -> t.replace("[16, 3]", "[12, 4]"))));
        tests.add(model("missing tensor", "missing.safetensors", pytorchOnly("weight_ih_l0", "bias_ih_l0", "bias_hh_l0")));
        tests.add(model("no LSTM tensors at all", "none.safetensors", pytorchOnly()));
        tests.add(model("non-finite weight", "nan.safetensors", nanWeight()));
        tests.add(model("zero-size hidden", "zero.safetensors", pytorch(
                entry("weight_ih_l0", "F32", "[0, 3]", 0, 0),
                entry("weight_hh_l0", "F32", "[0, 0]", 0, 0))));
        tests.add(model("absurd size", "absurd.safetensors", pytorch(
                entry("weight_ih_l0", "F32", "[4000000000, 3]", 0, 48_000_000_000L))));
        tests.add(model("absurd size, product overflows", "overflow.safetensors", pytorch(
                entry("weight_ih_l0", "F32", "[2147483647, 2147483647, 2147483647]", 0, 16))));
        tests.add(model("inconsistent hidden size", "hidden.safetensors", inconsistentHidden()));
        tests.add(model("newline in a tensor name", "name.safetensors", valid(t -> t.replace("\"weight_hh_l0\"",
                "\"weight_hh_l0\\nerror: forged second line\""))));
        return tests.stream();
    }

    // ------------------------------------------------------------------ ONNX

    @TestFactory
    Stream<DynamicTest> onnx() throws IOException {
        Path valid = Goldens.root().resolveSibling("onnx-node-tests/pr2923-test_lstm_defaults/model.onnx");
        byte[] good = Files.readAllBytes(valid);
        ModelProto model = ModelProto.parseFrom(good);
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(model("truncated", "truncated.onnx", Arrays.copyOf(good, good.length / 2)));
        tests.add(model("empty", "empty.onnx", new byte[0]));
        tests.add(model("random", "random.onnx", random(4096, 3)));
        tests.add(model("absurd dims", "absurd.onnx", onnx(model, g -> g.setInitializer(1,
                g.getInitializer(1).toBuilder().clearDims().addDims(1).addDims(4_000_000_000L).addDims(2)))));
        tests.add(model("raw data shorter than the shape", "short.onnx", onnx(model, g -> g.setInitializer(1,
                g.getInitializer(1).toBuilder().setRawData(g.getInitializer(1).getRawData().substring(0, 10))))));
        tests.add(model("wrong weight shape", "shape.onnx", onnx(model, g -> g.setInitializer(1,
                g.getInitializer(1).toBuilder().clearDims().addDims(1).addDims(8).addDims(3)))));
        tests.add(model("wrong dtype", "dtype.onnx", onnx(model, g -> g.setInitializer(1,
                g.getInitializer(1).toBuilder().setDataType(TensorProto.DataType.STRING_VALUE)))));
        tests.add(model("missing weight", "missing.onnx", onnx(model, g -> g.removeInitializer(1))));
        tests.add(model("non-finite weight", "nan.onnx", onnx(model, g -> {
            byte[] raw = g.getInitializer(1).getRawData().toByteArray();
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).putFloat(4, Float.NaN);
            return g.setInitializer(1, g.getInitializer(1).toBuilder().setRawData(ByteString.copyFrom(raw)));
        })));
        tests.add(model("unknown activation", "activation.onnx", onnx(model, g -> g.setNode(0, g.getNode(0).toBuilder()
                .addAttribute(AttributeProto.newBuilder().setName("activations").setType(AttributeProto.AttributeType.STRINGS)
                        .addStrings(ByteString.copyFromUtf8("Bogus")).addStrings(ByteString.copyFromUtf8("Tanh"))
                        .addStrings(ByteString.copyFromUtf8("Tanh")))))));
        tests.add(model("non-LSTM graph", "gru.onnx", onnx(model, g -> g.setNode(0, NodeProto.newBuilder()
                .setOpType("Relu").addInput("X").addOutput("Y_h")))));
        tests.add(model("inconsistent hidden_size", "hidden.onnx", onnx(model, g -> g.setNode(0, g.getNode(0).toBuilder()
                .setAttribute(0, AttributeProto.newBuilder().setName("hidden_size").setType(AttributeProto.AttributeType.INT)
                        .setI(5))))));
        tests.add(model("absurd hidden_size", "hugehidden.onnx", onnx(model, g -> g.setNode(0, g.getNode(0).toBuilder()
                .setAttribute(0, AttributeProto.newBuilder().setName("hidden_size").setType(AttributeProto.AttributeType.INT)
                        .setI(3_000_000_000L))))));
        tests.add(model("no graph", "nograph.onnx", model.toBuilder().clearGraph().build().toByteArray()));
        return tests.stream();
    }

    // ------------------------------------------------------------------ Burn config

    @TestFactory
    Stream<DynamicTest> burnConfig() throws IOException {
        Path golden = Goldens.root().resolve("burn/lstm");
        String config = Files.readString(golden.resolve("config.json"));
        byte[] weights = Files.readAllBytes(golden.resolve("model.safetensors"));
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(burn("malformed JSON", "malformed", config.substring(0, config.length() / 2), weights));
        tests.add(burn("empty config", "emptycfg", "", weights));
        tests.add(burn("unknown activation", "activation", config.replace("\"Tanh\"", "\"Bogus\""), weights));
        tests.add(burn("inconsistent hidden size", "hidden", config.replace("\"d_hidden\": 4", "\"d_hidden\": 5"), weights));
        tests.add(burn("absurd hidden size", "absurd", config.replace("\"d_hidden\": 4", "\"d_hidden\": 4000000000"), weights));
        tests.add(burn("negative input size", "negative", config.replace("\"d_input\": 3", "\"d_input\": -3"), weights));
        tests.add(burn("zero hidden size", "zero", config.replace("\"d_hidden\": 4", "\"d_hidden\": 0"), weights));
        tests.add(burn("wrong type", "type", config.replace("\"bias\": true", "\"bias\": \"yes\""), weights));
        tests.add(burn("truncated weights", "truncweights", config, Arrays.copyOf(weights, weights.length - 7)));
        return tests.stream();
    }

    // ------------------------------------------------------------------ run input JSON

    @TestFactory
    Stream<DynamicTest> runInput() throws IOException {
        Path model = Goldens.root().resolve("pytorch/basic/model.safetensors");
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(input("malformed JSON", "{\"input\": [[[1, 2, 3]]", model));
        tests.add(input("empty file", "", model));
        tests.add(input("not an object", "[1, 2, 3]", model));
        tests.add(input("missing input", "{}", model));
        tests.add(input("wrong feature count", "{\"input\": [[[1, 2, 3, 4, 5, 6, 7]]]}", model));
        tests.add(input("ragged", "{\"input\": [[[1, 2, 3]], [[1, 2, 3], [4, 5, 6]]]}", model));
        tests.add(input("empty batch", "{\"input\": []}", model));
        tests.add(input("non-finite value", "{\"input\": [[[1, 2, 1e39]]]}", model));
        tests.add(input("string value", "{\"input\": [[[1, 2, \"three\"]]]}", model));
        tests.add(input("lengths out of range", "{\"input\": [[[1, 2, 3]]], \"lengths\": [2]}", model));
        tests.add(input("huge length", "{\"input\": [[[1, 2, 3]]], \"lengths\": [99999999999999999999]}", model));
        tests.add(input("wrong state shape", "{\"input\": [[[1, 2, 3]]], \"h0\": [[[1, 2]]]}", model));
        tests.add(input("deeply nested", "{\"input\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}", model));
        tests.add(input("unknown key", "{\"input\": [[[1, 2, 3]]], \"h1\": null}", model));
        return tests.stream();
    }

    // ------------------------------------------------------------------ devices and pipes

    /**
     * A model path that is a device or a pipe: {@code /dev/zero} reports size 0 and never ends, a
     * FIFO blocks on open. Both must be refused before they are read.
     */
    @TestFactory
    Stream<DynamicTest> specialFiles() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        Path zero = Path.of("/dev/zero");
        if (Files.exists(zero)) {
            for (String name : List.of("devzero.onnx", "devzero.safetensors", "devzero.json")) {
                tests.add(DynamicTest.dynamicTest(name + " -> /dev/zero", () -> assertTimeoutPreemptively(
                        Duration.ofSeconds(30), () -> {
                            Path link = Files.createSymbolicLink(dir.resolve(name), zero);
                            checkRefused(link, null, name);
                        })));
            }
            tests.add(DynamicTest.dynamicTest("run input -> /dev/zero", () -> assertTimeoutPreemptively(
                    Duration.ofSeconds(30), () -> {
                        Path link = Files.createSymbolicLink(dir.resolve("devzero-input.json"), zero);
                        Path model = Goldens.root().resolve("pytorch/basic/model.safetensors");
                        Cli.run("run", model.toString(), "--input", link.toString(), "--output",
                                dir.resolve("r.json").toString()).assertUserError("devzero-input.json");
                        assertThrows(LstmcException.class, () -> io.github.lstmc.compiler.run.RunInput.read(link));
                    })));
        }
        tests.add(DynamicTest.dynamicTest("named pipe", () -> assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            Path fifo = dir.resolve("pipe.onnx");
            Process mkfifo;
            try {
                mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
            } catch (IOException e) {
                org.junit.jupiter.api.Assumptions.abort("no mkfifo here: " + e.getMessage());
                return;
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(mkfifo.waitFor() == 0 && Files.exists(fifo), "mkfifo failed");
            checkRefused(fifo, null, "pipe.onnx");
        })));
        return tests.stream();
    }

    // ------------------------------------------------------------------ the checks

    /** A hostile model file: inspect, compile and run refuse it cleanly; load throws the same message. */
    private DynamicTest model(String what, String fileName, byte[] content) {
        return DynamicTest.dynamicTest(what + " (" + fileName + ")", () -> assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            Path file = dir.resolve(fileName);
            Files.write(file, content);
            checkRefused(file, null, fileName);
        }));
    }

    /** A Burn model whose config or weights are hostile. */
    private DynamicTest burn(String what, String base, String config, byte[] weights) {
        return DynamicTest.dynamicTest(what, () -> assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            Path cfg = dir.resolve(base + ".json");
            Files.writeString(cfg, config);
            Files.write(dir.resolve(base + ".safetensors"), weights);
            checkRefused(cfg, null, base + ".");
        }));
    }

    private void checkRefused(Path file, LoadOptions options, String named) throws Exception {
        LstmcException e = assertThrows(LstmcException.class, () -> Lstmc.compiler().load(file, options));
        String message = e.getMessage();
        assertTrue(message.contains(named), () -> "message does not name the file: " + message);
        assertFalse(message.contains("\n") || message.contains("\r"), () -> "message spans lines: " + message);

        Cli.Result inspect = Cli.run("inspect", file.toString()).assertUserError(named);
        assertEquals("error: " + message, inspect.firstErrLine(), "CLI and API report the same message");

        Path out = dir.resolve("out-" + file.getFileName());
        Cli.run("compile", file.toString(), "--out", out.toString()).assertUserError(named);
        assertFalse(Files.exists(out), "a failed compile created " + out);

        Path in = Goldens.root().resolve("pytorch/basic/input.json");
        Path result = dir.resolve("result-" + file.getFileName() + ".json");
        Cli.run("run", file.toString(), "--input", in.toString(), "--output", result.toString()).assertUserError(named);
        assertFalse(Files.exists(result), "a failed run wrote " + result);
        assertNoLeftovers();
    }

    /** A hostile run input for a valid model: run refuses it and writes nothing. */
    private DynamicTest input(String what, String json, Path model) {
        return DynamicTest.dynamicTest(what, () -> assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            Path in = dir.resolve("hostile-input.json");
            Files.writeString(in, json);
            Path result = dir.resolve("sub/result.json");
            Cli.run("run", model.toString(), "--input", in.toString(), "--output", result.toString())
                    .assertUserError("hostile-input.json");
            assertFalse(Files.exists(result.getParent()), "a failed run created " + result.getParent());
            assertNoLeftovers();
        }));
    }

    private void assertNoLeftovers() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            List<Path> temps = all.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
            assertTrue(temps.isEmpty(), () -> "temporary files left behind: " + temps);
        }
    }

    // ------------------------------------------------------------------ file builders

    /** A safetensors file whose data section is {@code dataLength} zero bytes. */
    private static byte[] stFull(String header, int dataLength) {
        return raw(header, new byte[dataLength]);
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\": {\"dtype\": \"" + dtype + "\", \"shape\": " + shape + ", \"data_offsets\": [" + begin
                + ", " + end + "]}";
    }

    /** A file of these header entries; the data section runs to the largest end offset below 1 MB. */
    private static byte[] pytorch(String... entries) {
        long end = 0;
        for (String e : entries) {
            String offsets = e.substring(e.indexOf("[", e.indexOf("data_offsets")) + 1, e.lastIndexOf(']'));
            long last = Long.parseLong(offsets.split(",")[1].trim());
            if (last < 1_000_000) {
                end = Math.max(end, last);
            }
        }
        return stFull("{" + String.join(", ", entries) + "}", (int) end);
    }

    /** A valid one-layer I=3, H=4 PyTorch LSTM whose header text is then edited. */
    private static byte[] valid(UnaryOperator<String> edit) {
        String header = "{" + String.join(", ",
                entry("weight_ih_l0", "F32", "[16, 3]", 0, 192),
                entry("weight_hh_l0", "F32", "[16, 4]", 192, 448),
                entry("bias_ih_l0", "F32", "[16]", 448, 512),
                entry("bias_hh_l0", "F32", "[16]", 512, 576)) + "}";
        return raw(edit.apply(header), floats(576 / 4, 0.1f));
    }

    /** The valid I=3, H=4 model with only the named tensors (data section tiled to fit). */
    private static byte[] pytorchOnly(String... names) {
        List<String> entries = new ArrayList<>();
        long at = 0;
        for (String n : names) {
            long size = n.startsWith("weight_ih") ? 192 : n.startsWith("weight_hh") ? 256 : 64;
            String shape = n.startsWith("weight_ih") ? "[16, 3]" : n.startsWith("weight_hh") ? "[16, 4]" : "[16]";
            entries.add(entry(n, "F32", shape, at, at + size));
            at += size;
        }
        return raw("{" + String.join(", ", entries) + "}", floats((int) at / 4, 0.1f));
    }

    private static byte[] nanWeight() {
        byte[] file = valid(t -> t);
        int dataStart = file.length - 576;
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putFloat(dataStart + 4 * 5, Float.NaN);
        return file;
    }

    private static byte[] inconsistentHidden() {
        String header = "{" + String.join(", ",
                entry("weight_ih_l0", "F32", "[16, 3]", 0, 192),
                entry("weight_hh_l0", "F32", "[20, 5]", 192, 592)) + "}";
        return raw(header, floats(592 / 4, 0.1f));
    }

    private static byte[] onnx(ModelProto model, UnaryOperator<GraphProto.Builder> edit) {
        return model.toBuilder().setGraph(edit.apply(model.getGraph().toBuilder())).build().toByteArray();
    }

    private static byte[] floats(int n, float v) {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(v * (i % 7 - 3));
        }
        return b.array();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

}
