package io.github.lstmc.compiler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
            if (AtomicFiles.writeIfChanged(target, file.content())) {
                written.add(target);
            }
        }
        return written;
    }
}
