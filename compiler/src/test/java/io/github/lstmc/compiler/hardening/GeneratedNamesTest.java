package io.github.lstmc.compiler.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.GeneratedFile;
import io.github.lstmc.compiler.JavaNames;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.emit.java.InMemoryJavaCompiler;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.testing.RandomModels;
import io.github.lstmc.runtime.LstmNetwork;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Untrusted text (the model name, which comes from a file name or a model file) reaching generated
 * code: it must not inject code, break the class comment or smuggle in unicode escapes, and
 * generated names and paths must be valid and stay inside the output directory.
 */
class GeneratedNamesTest {
    /** Names crafted to close the comment, start a new line or inject code through unicode escapes. */
    static final List<String> HOSTILE_NAMES = List.of(
            "*/ static { if (true) throw new Error(\"injected\"); } /*",
            "\\u002a/ static { if (true) throw new Error(\"injected\"); } /*",
            "\\u002A\\u002F class Evil {} /*",
            "line\nstatic { if (true) throw new Error(\"injected\"); }",
            "line\\u000astatic { if (true) throw new Error(\"injected\"); }",
            "\r\n*/\r\n",
            "</pre><script>alert(1)</script>@deprecated {@code x",
            "\u2028*/\u2029",
            "nul\u0000byte",
            "\"quoted\" 'single' \\backslash\\",
            "emoji \uD83D\uDE00 and \u00e9",
            "*".repeat(5) + "/".repeat(5),
            "x".repeat(100_000));

    private static final Model BASE = RandomModels.model(7, RandomModels.Features.all().withMaxSize(6).withMaxLayers(2));

    @TempDir
    Path dir;

    private static Model named(String name) {
        return new Model(name, BASE.layers(), BASE.layout());
    }

    private static String source(Model model) {
        GeneratedCode code = Lstmc.compiler().generate(model, CompileOptions.of("lstmc.generated", "Named"));
        return new String(code.files().get(0).content(), StandardCharsets.UTF_8);
    }

    @Test
    void hostileModelNamesChangeOnlyTheCommentLineOfTheSource() {
        List<String> safe = source(named("safe")).lines().toList();
        for (String name : HOSTILE_NAMES) {
            String text = source(named(name));
            List<String> lines = text.lines().toList();
            String shown = name.length() > 60 ? name.substring(0, 60) + "..." : name;
            assertEquals(safe.size(), lines.size(), () -> "line count changed for name " + shown);
            List<String> differing = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).equals(safe.get(i))) {
                    differing.add(lines.get(i));
                }
            }
            assertTrue(differing.size() <= 1, () -> "more than the comment line changed for " + shown + ": " + differing);
            for (String line : differing) {
                assertTrue(line.startsWith(" * LSTM network compiled by lstmc "), () -> "changed line: " + line);
                assertFalse(line.contains("*/"), () -> "comment closed early: " + line);
                assertTrue(line.length() < 400, () -> "name not shortened: " + line.length() + " characters");
            }
            assertFalse(text.contains("\\u"), () -> "a unicode escape reached the source for " + shown);
            assertTrue(text.chars().allMatch(c -> c == '\n' || (c >= 0x20 && c < 0x7f)),
                    () -> "non-ASCII or control characters in the source for " + shown);
        }
    }

    @Test
    void hostileModelNamesCompileAndRunOnBothBackEnds() throws Exception {
        float[][][] input = RandomModels.input(new java.util.Random(1), 2, 3, BASE.inputSize());
        float[][][] expected = Lstmc.compiler().interpreter(BASE).forward(input);
        for (String name : HOSTILE_NAMES.subList(0, 5)) {
            for (Backend backend : Backend.values()) {
                CompileOptions options = new CompileOptions("lstmc.generated", "Named", backend, 8);
                LstmNetwork net = Lstmc.compiler().instantiate(named(name), options); // a static initializer would throw
                assertEquals(expected.length, net.forward(input).length);
            }
        }
        // and the source compiles as a whole, with no extra classes
        InMemoryJavaCompiler.Result compiled = InMemoryJavaCompiler.compile(
                Map.of("lstmc.generated.Named", source(named(HOSTILE_NAMES.get(2)))));
        assertEquals(List.of("lstmc.generated.Named"), List.copyOf(compiled.classFiles().keySet()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"class", "int", "true", "null", "var", "record", "_", "1Model", "a-b", "a.b", "a/b", "../Evil",
        "", " Spaced", "Tab\tbed", "Zero\u200bWidth", "Nul\u0000", "Evil*/", "A\\u0041"})
    void invalidClassNamesAreRefused(String name) {
        assertFalse(JavaNames.isIdentifier(name), name);
        assertThrows(IllegalArgumentException.class, () -> CompileOptions.of("lstmc.generated", name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "a.", ".a", "a..b", "a.class.b", "java.lang.int", "a/b", "a.b-c", "../../etc", "a. b"})
    void invalidPackageNamesAreRefused(String name) {
        assertFalse(JavaNames.isPackageName(name), name);
        assertThrows(IllegalArgumentException.class, () -> CompileOptions.of(name, "Model"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"speech_tagger.safetensors", "class.onnx", "int.json", "123.safetensors", "*\u002a/.onnx",
        "\\u002a/.onnx", "a\nb.safetensors", "..safetensors", ".safetensors", "-.onnx", "\u00e9t\u00e9.onnx",
        "../../evil.onnx", "C:\\models\\x.onnx", "record.onnx", "_.onnx"})
    void classNamesDerivedFromFileNamesAreValidAscii(String fileName) {
        String name = JavaNames.classNameFor(fileName);
        assertTrue(JavaNames.isIdentifier(name), () -> fileName + " -> " + name);
        assertTrue(name.chars().allMatch(c -> c < 0x80), () -> fileName + " -> " + name);
        CompileOptions.of("lstmc.generated", name); // accepted
    }

    @Test
    void generatedPathsCannotLeaveTheOutputDirectory() throws IOException {
        for (String path : List.of("../Evil.java", "/tmp/Evil.java", "a/../../Evil.java", "a\\..\\Evil.java", "")) {
            assertThrows(IllegalArgumentException.class, () -> new GeneratedFile(path, new byte[1]), path);
        }
        Path out = dir.resolve("out");
        GeneratedCode code = Lstmc.compiler().generate(BASE, new CompileOptions("a.b", "C", Backend.BYTECODE, 8));
        List<Path> written = code.writeTo(out);
        assertEquals(List.of(out.toAbsolutePath().normalize().resolve("a/b/C.class")), written);
        try (Stream<Path> all = Files.walk(dir)) {
            assertEquals(List.of(dir, out, out.resolve("a"), out.resolve("a/b"), out.resolve("a/b/C.class")),
                    all.sorted().toList());
        }
    }
}
