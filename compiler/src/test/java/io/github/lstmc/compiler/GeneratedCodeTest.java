package io.github.lstmc.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratedCodeTest {
    @TempDir
    Path dir;

    private static GeneratedCode code(String text) {
        return new GeneratedCode(List.of(new GeneratedFile("p/A.java", text.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void writesNewAndChangedFilesAndLeavesUnchangedOnesAlone() throws Exception {
        assertEquals(List.of(dir.resolve("p/A.java")), code("one").writeTo(dir));
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(dir.resolve("p/A.java"), old);
        assertEquals(List.of(), code("one").writeTo(dir));
        assertEquals(old, Files.getLastModifiedTime(dir.resolve("p/A.java")));
        assertEquals(List.of(dir.resolve("p/A.java")), code("two").writeTo(dir));
        assertArrayEquals("two".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(dir.resolve("p/A.java")));
        try (var files = Files.list(dir.resolve("p"))) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void generatedFilesAreReadableByAllLikeCompilerOutput() throws Exception {
        Assumptions.assumeTrue(Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class));
        code("one").writeTo(dir);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("p/A.java"))));
        // A rewrite keeps what the user set.
        Files.setPosixFilePermissions(dir.resolve("p/A.java"), PosixFilePermissions.fromString("rw-rw-r--"));
        code("two").writeTo(dir);
        assertEquals("rw-rw-r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("p/A.java"))));
    }
}
