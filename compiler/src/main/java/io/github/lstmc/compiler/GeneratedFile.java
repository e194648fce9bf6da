package io.github.lstmc.compiler;

import java.util.Arrays;

/**
 * One generated file: a {@code .java} source or a {@code .class} file.
 *
 * @param relativePath path below the output directory, '/'-separated, e.g. {@code lstmc/generated/Tagger.java}
 * @param content      the bytes to write (UTF-8 for source)
 */
public record GeneratedFile(String relativePath, byte[] content) {

    public GeneratedFile {
        if (relativePath == null || relativePath.isEmpty() || relativePath.startsWith("/")
                || relativePath.contains("\\") || Arrays.asList(relativePath.split("/")).contains("..")) {
            throw new IllegalArgumentException("generated path must be relative and stay inside the output directory: "
                    + relativePath);
        }
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GeneratedFile f && f.relativePath.equals(relativePath) && Arrays.equals(f.content, content);
    }

    @Override
    public int hashCode() {
        return 31 * relativePath.hashCode() + Arrays.hashCode(content);
    }
}
