package io.github.lstmc.compiler.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Copies golden fixtures (compiler/src/test/resources/goldens/) into a test's directory under a chosen name. */
final class Fixtures {
    private Fixtures() {
    }

    /** Copies {@code goldens/<relative>} to {@code dir/<name>}. */
    static Path copy(String relative, Path dir, String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/goldens/" + relative)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource goldens/" + relative);
            }
            Path target = dir.resolve(name);
            Files.createDirectories(target.getParent());
            Files.copy(in, target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
