package io.github.lstmc.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerationStateTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsAwkwardNames() throws Exception {
        Path root = dir.resolve("generated sources");
        GenerationState state = new GenerationState(root, Map.of(
                "my model%1\t.onnx", new GenerationState.Entry("abc", Map.of("p/My Model.java", "0123")),
                "b.safetensors", new GenerationState.Entry("", Map.of())));
        Path file = dir.resolve("state/x.state");
        state.write(file);
        assertEquals(state, GenerationState.read(file, root));
    }

    @Test
    void stateOfAnotherOutputRootIsForgotten() throws Exception {
        GenerationState state = new GenerationState(dir.resolve("a"),
                Map.of("m.onnx", new GenerationState.Entry("abc", Map.of("M.java", "01"))));
        Path file = dir.resolve("x.state");
        state.write(file);
        assertTrue(GenerationState.read(file, dir.resolve("b")).models().isEmpty());
    }

    @Test
    void damagedOrMissingFilesGiveAnEmptyState() throws Exception {
        Path file = dir.resolve("x.state");
        assertTrue(GenerationState.read(file, dir).models().isEmpty());
        Files.writeString(file, "lstmc-state 1\nroot\t" + dir + "\noutput\tM.java\t01\n");
        assertTrue(GenerationState.read(file, dir).models().isEmpty());
        Files.writeString(file, "lstmc-state 1\nroot\t" + dir + "\nmodel\t%zz\tabc\n");
        assertTrue(GenerationState.read(file, dir).models().isEmpty());
        Files.writeString(file, "something else\n");
        assertTrue(GenerationState.read(file, dir).models().isEmpty());
        Files.write(file, new byte[] {'l', 's', (byte) 0xff, (byte) 0xfe, '\n'});
        assertTrue(GenerationState.read(file, dir).models().isEmpty());
    }

    @Test
    void anUnchangedStateIsNotRewritten() throws Exception {
        GenerationState state = new GenerationState(dir, Map.of("m.onnx", new GenerationState.Entry("abc", Map.of())));
        Path file = dir.resolve("x.state");
        state.write(file);
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(file, old);
        state.write(file);
        assertEquals(old, Files.getLastModifiedTime(file));
    }
}
