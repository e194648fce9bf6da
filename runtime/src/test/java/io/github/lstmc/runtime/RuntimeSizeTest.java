package io.github.lstmc.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The runtime jar must stay under 30 KB: every generated model ships with it. The jar is packaged
 * after the tests run, so this zips the compiled classes the same way (deflate) and leaves 1 KB for
 * the manifest and directory entries (the jar carries no Maven descriptor, see runtime/pom.xml; they
 * measured 478 bytes: a 29,601-byte jar whose classes zip to 29,123 here).
 */
class RuntimeSizeTest {
    private static final int LIMIT = 30 * 1024;
    private static final int METADATA = 1024;

    @Test
    void compressedClassesFitTheBudget() throws Exception {
        Path classes = Paths.get(LstmNetwork.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.isDirectory(classes), "expected the compiled classes directory, got " + classes);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        }
        ByteArrayOutputStream jar = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(jar)) {
            for (Path file : files) {
                add(zip, classes.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
            }
        }
        assertTrue(jar.size() + METADATA < LIMIT, "runtime classes zip to " + jar.size()
                + " bytes; with metadata the jar would exceed " + LIMIT + " bytes");
        assertTrue(files.size() >= 8, "only " + files.size() + " files under " + classes);
    }

    private static void add(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }
}
