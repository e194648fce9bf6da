package io.github.lstmc.compiler;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * Whole-file writes that a reader, or a crash half-way, never sees half done: the content goes to
 * a temporary file beside the target, which is then moved over it.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /**
     * Writes {@code content} to {@code target} unless the file already holds exactly those bytes
     * (then its timestamp stays, so incremental builds see no change). Creates missing parent
     * directories.
     *
     * @return true if the file was (re)written
     */
    public static boolean writeIfChanged(Path target, byte[] content) throws IOException {
        if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), content)) {
            return false;
        }
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        write(target, content);
        return true;
    }

    /**
     * Replaces {@code target} with {@code content} atomically where the file system allows (else by
     * a plain move of the complete temporary file). The parent directory must exist.
     */
    public static void write(Path target, byte[] content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path temp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".tmp");
        try {
            Files.write(temp, content);
            setPermissions(temp, absolute);
            try {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Temporary files are created owner-only (0600); written files are ordinary build output, so they
     * get the permissions of the file they replace, or {@code rw-r--r--} like javac's output.
     */
    private static void setPermissions(Path temp, Path target) throws IOException {
        if (!Files.getFileStore(temp).supportsFileAttributeView(PosixFileAttributeView.class)) {
            return;
        }
        Files.setPosixFilePermissions(temp, Files.isRegularFile(target)
                ? Files.getPosixFilePermissions(target) : PosixFilePermissions.fromString("rw-r--r--"));
    }
}
