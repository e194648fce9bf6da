package io.github.lstmc.compiler.cli;

import io.github.lstmc.compiler.LstmcException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks on the files named on the command line, so the first error names the file plainly. */
final class CliFiles {
    private CliFiles() {
    }

    /** Fails unless {@code file} is an existing, readable regular file. */
    static void requireReadableFile(Path file, String role) throws LstmcException {
        if (!Files.exists(file)) {
            throw new LstmcException(file + ": no such file (" + role + ")");
        }
        if (Files.isDirectory(file)) {
            throw new LstmcException(file + ": is a directory, expected a " + role + " file");
        }
        if (!Files.isRegularFile(file)) {
            // the same words as the loaders', so CLI and API report a device or pipe alike
            throw new LstmcException(file + ": is not a regular file (a device, pipe or socket?)");
        }
        if (!Files.isReadable(file)) {
            throw new LstmcException(file + ": cannot be read (" + role + ")");
        }
    }

    /** Fails if {@code file}, about to be written, is a directory: checked before any work is done. */
    static void requireWritableTarget(Path file, String role) throws LstmcException {
        if (Files.isDirectory(file)) {
            throw new LstmcException(file + ": is a directory, expected a " + role + " file name");
        }
    }

    /** Fails if {@code dir}, about to receive files, exists and is not a directory. */
    static void requireDirectoryTarget(Path dir, String role) throws LstmcException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new LstmcException(dir + ": is not a directory (" + role + ")");
        }
    }
}
