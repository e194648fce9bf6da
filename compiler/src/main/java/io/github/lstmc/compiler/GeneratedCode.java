package io.github.lstmc.compiler;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The files generated for one model, sorted by path.
 *
 * @param files the files; sorted by {@link GeneratedFile#relativePath()}
 */
public record GeneratedCode(List<GeneratedFile> files) {

    public GeneratedCode {
        List<GeneratedFile> sorted = new ArrayList<>(files);
        sorted.sort(Comparator.comparing(GeneratedFile::relativePath));
        files = List.copyOf(sorted);
    }

    /**
     * Writes every file below {@code outputDirectory}. Each file is written to a temporary name
     * beside its target and moved into place, so a failure never leaves a half-written file; a
     * file whose content is unchanged is not touched (its timestamp stays, so builds do not
     * recompile).
     *
     * @return the files actually (re)written
     */
    public List<Path> writeTo(Path outputDirectory) throws IOException {
        Path root = outputDirectory.toAbsolutePath().normalize();
        List<Path> written = new ArrayList<>();
        for (GeneratedFile file : files) {
            Path target = root.resolve(file.relativePath()).normalize();
            if (!target.startsWith(root)) {
                throw new IOException("generated path escapes the output directory: " + file.relativePath());
            }
            byte[] content = file.content();
            if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), content)) {
                continue;
            }
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            try {
                Files.write(temp, content);
                setPermissions(temp, target);
                try {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
            written.add(target);
        }
        return written;
    }

    /**
     * Temporary files are created owner-only (0600); generated code is ordinary build output, so it
     * gets the permissions of the file it replaces, or {@code rw-r--r--} like javac's output.
     */
    private static void setPermissions(Path temp, Path target) throws IOException {
        if (!Files.getFileStore(temp).supportsFileAttributeView(PosixFileAttributeView.class)) {
            return;
        }
        Files.setPosixFilePermissions(temp, Files.isRegularFile(target)
                ? Files.getPosixFilePermissions(target) : PosixFilePermissions.fromString("rw-r--r--"));
    }
}
