package io.github.lstmc.maven;

import io.github.lstmc.compiler.Lstmc;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What identifies the compiler that generates code: its version, and for a compiler loaded from a
 * jar the SHA-256 of that jar. A rebuilt snapshot keeps its version but may generate other code (a
 * new weight packing, say); with the jar's digest in every model's digest, the plugin regenerates
 * then instead of keeping code the new runtime cannot read.
 */
final class CompilerBuild {
    private static final String ID = compute();

    private CompilerBuild() {
    }

    /** e.g. {@code 0.1.0-SNAPSHOT}, or {@code 0.1.0-SNAPSHOT (jar 3f2a...)}. */
    static String id() {
        return ID;
    }

    private static String compute() {
        Path jar = jar();
        if (jar == null) {
            return Lstmc.VERSION; // classes from a directory (the plugin's own tests): the version alone
        }
        try (InputStream in = Files.newInputStream(jar)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
            return Lstmc.VERSION + " (jar " + HexFormat.of().formatHex(sha.digest()) + ")";
        } catch (IOException | NoSuchAlgorithmException e) {
            return Lstmc.VERSION;
        }
    }

    private static Path jar() {
        CodeSource source = Lstmc.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return null;
        }
        try {
            Path path = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(path) ? path : null;
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return null;
        }
    }
}
