package io.github.lstmc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lstmc compile} and {@code lstmc inspect} on golden PyTorch models. */
class CompileAndInspectTest {

    @TempDir
    Path dir;

    private Path model(String golden, String name) {
        return Fixtures.copy("pytorch/" + golden + "/model.safetensors", dir, name);
    }

    @Test
    void compileSourceWritesThePackagePath() throws IOException {
        Path model = model("basic", "speech_tagger.safetensors");
        Path out = dir.resolve("gen");
        Cli.Result r = Cli.run("compile", model.toString(), "--out", out.toString(), "--package", "com.example.nn");
        r.assertOk();
        Path java = out.resolve("com/example/nn/SpeechTagger.java");
        assertTrue(Files.isRegularFile(java), () -> "missing " + java + "\n" + r.out());
        String text = Files.readString(java);
        assertTrue(text.contains("package com.example.nn;"), text);
        assertTrue(text.contains("class SpeechTagger"), text);
        assertTrue(r.out().contains(java.toString().replace(dir.toString(), "").substring(1))
                && r.out().contains(String.format("%,d bytes", Files.size(java))), r.out());

        // a second run rewrites nothing (timestamps stay, builds do not recompile)
        Cli.Result again = Cli.run("compile", model.toString(), "--out", out.toString(), "--package", "com.example.nn")
                .assertOk();
        assertTrue(again.out().contains("unchanged"), again.out());
    }

    @Test
    void compileBytecodeHonoursTarget() throws IOException {
        Path model = model("bidirectional", "bi.safetensors");
        Path out = dir.resolve("classes");
        Cli.Result r = Cli.run("compile", model.toString(), "--out", out.toString(), "--backend", "bytecode",
                "--target", "11", "--class", "BiTagger");
        r.assertOk();
        Path cls = out.resolve("lstmc/generated/BiTagger.class");
        assertTrue(Files.isRegularFile(cls), () -> "missing " + cls + "\n" + r.out());
        ByteBuffer header = ByteBuffer.wrap(Files.readAllBytes(cls));
        assertEquals(0xCAFEBABE, header.getInt(0));
        assertEquals(55, header.getShort(6), "class-file major version for --target 11");
    }

    @Test
    void vectorApiImpliesTarget17() throws IOException {
        Path model = model("stacked2", "stacked.safetensors");
        Path out = dir.resolve("classes");
        Cli.Result r = Cli.run("compile", model.toString(), "--out", out.toString(), "--backend", "bytecode",
                "--vector-api", "--class", "VectorTagger");
        r.assertOk();
        Path cls = out.resolve("lstmc/generated/VectorTagger.class");
        assertTrue(Files.isRegularFile(cls), () -> "missing " + cls + "\n" + r.out());
        assertEquals(61, ByteBuffer.wrap(Files.readAllBytes(cls)).getShort(6),
                "class-file major version: --vector-api implies --target 17");
        // an explicit --target 17 is accepted too
        Cli.run("compile", model.toString(), "--out", out.toString(), "--backend", "bytecode",
                "--vector-api", "--target", "17", "--class", "VectorTagger").assertOk();
    }

    @Test
    void vectorApiSourceUsesTheVectorModule() throws IOException {
        // H = 256: the gate products are far above the unroll limit, so they are looped, and the
        // looped products are what the Vector API tier renders with FloatVector.
        Path model = model("hidden256", "wide.safetensors");
        Path out = dir.resolve("gen");
        Cli.run("compile", model.toString(), "--out", out.toString(), "--vector-api").assertOk();
        String vector = Files.readString(out.resolve("lstmc/generated/Wide.java"));
        assertTrue(vector.contains("jdk.incubator.vector"), "the Vector API tier should import jdk.incubator.vector");
        // and the default stays plain Java 8 source
        Path plain = dir.resolve("plain");
        Cli.run("compile", model.toString(), "--out", plain.toString()).assertOk();
        assertFalse(Files.readString(plain.resolve("lstmc/generated/Wide.java")).contains("jdk.incubator.vector"));
    }

    @Test
    void hostileFileNameGivesASafeDefaultClassName() throws IOException {
        Path model = model("basic", "x; Runtime.getRuntime().exec(\"rm\") .safetensors");
        Path out = dir.resolve("gen");
        Cli.Result r = Cli.run("compile", model.toString(), "--out", out.toString());
        r.assertOk();
        try (Stream<Path> files = Files.list(out.resolve("lstmc/generated"))) {
            assertEquals(List.of("XRuntime.java"), // the name ends at the first dot
                    files.map(f -> f.getFileName().toString()).toList());
        }
    }

    @Test
    void compileErrorWritesNothing() throws IOException {
        Path bad = Files.write(dir.resolve("broken.safetensors"), new byte[] {1, 2, 3});
        Path out = dir.resolve("gen");
        Cli.run("compile", bad.toString(), "--out", out.toString()).assertUserError(bad.getFileName().toString());
        assertFalse(Files.exists(out));
    }

    @Test
    void inspectDescribesTheModel() {
        // basic: 1 layer, I = 3, H = 4, with both biases: 4H*I + 4H*H + 8H = 48 + 64 + 32 = 144 parameters
        Cli.Result r = Cli.run("inspect", model("basic", "basic.safetensors").toString()).assertOk();
        assertTrue(r.out().contains("144"), r.out());
        assertTrue(r.out().toLowerCase().contains("sigmoid"), r.out());
        // one row of h and c, 4 floats each: 29 header bytes, 2 array widths, 8 floats
        assertTrue(r.out().contains("state per stream (one batch row): 8 floats, 69 bytes serialized"), r.out());
        assertTrue(r.out().matches("(?s).*model digest \\(fp32 weights\\): [0-9a-f]{64} .*"), r.out());
        // 2 directions, 3 layers: the count of each layer must show up
        Cli.Result bi = Cli.run("inspect", model("stacked3_bidirectional", "s3.safetensors").toString()).assertOk();
        assertTrue(bi.out().toLowerCase().contains("bidirectional") || bi.out().contains("2 directions"), bi.out());
    }

    @Test
    void inspectWithPrefix() {
        Path model = model("prefixed", "prefixed.safetensors");
        Cli.run("inspect", model.toString(), "--prefix", "encoder.lstm").assertOk();
        Cli.run("inspect", model.toString(), "--prefix", "decoder.lstm").assertUserError(model.getFileName().toString());
    }

    @Test
    void listedFilesExist() throws IOException {
        Path out = dir.resolve("gen");
        Cli.Result r = Cli.run("compile", model("basic", "basic.safetensors").toString(), "--out", out.toString());
        r.assertOk();
        try (Stream<Path> files = Files.walk(out)) {
            files.filter(Files::isRegularFile).forEach(f -> assertTrue(r.out().contains(out.relativize(f).toString())
                    || r.out().contains(f.toString()), () -> f + " not listed:\n" + r.out()));
        }
    }
}
