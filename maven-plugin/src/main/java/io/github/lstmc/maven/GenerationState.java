package io.github.lstmc.maven;

import io.github.lstmc.compiler.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the previous run generated, kept between builds (under {@code target/lstmc-state/}) to
 * decide by content, not by file times, which models need generating again and which outputs
 * belong to models that are gone.
 *
 * <p>The file is line-based text, sorted, so that an unchanged state is written byte for byte the
 * same (and then not written at all):
 * <pre>
 * lstmc-state 1
 * root	/abs/target/generated-sources/lstm
 * model	tagger.safetensors	&lt;sha-256 of the inputs and options&gt;
 * output	lstmc/generated/Tagger.java	&lt;sha-256 of the file&gt;
 * </pre>
 * Fields are tab-separated; '%', tab and line breaks inside them are percent-encoded.
 *
 * @param outputRoot the absolute directory the recorded outputs are relative to
 * @param models     per model (relative source path), its digest and outputs
 */
record GenerationState(Path outputRoot, Map<String, Entry> models) {
    private static final String MAGIC = "lstmc-state 1";

    /**
     * One model's record.
     *
     * @param digest  the digest of its inputs, options and compiler version when generated; empty
     *                when the last attempt failed (so it never matches)
     * @param outputs its generated files, relative to the output root, with the SHA-256 of each
     */
    record Entry(String digest, Map<String, String> outputs) {
        Entry {
            outputs = Collections.unmodifiableMap(new TreeMap<>(outputs));
        }
    }

    GenerationState {
        models = Collections.unmodifiableMap(new TreeMap<>(models));
    }

    /** No models, for the first build. */
    static GenerationState empty(Path outputRoot) {
        return new GenerationState(outputRoot, Map.of());
    }

    /**
     * Reads a state file. A missing or unreadable file, or one recorded for another output root,
     * gives an empty state: everything is generated afresh and nothing is deleted.
     */
    static GenerationState read(Path file, Path outputRoot) throws IOException {
        if (!Files.isRegularFile(file)) {
            return empty(outputRoot);
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            return empty(outputRoot);
        }
        if (lines.isEmpty() || !lines.get(0).equals(MAGIC)) {
            return empty(outputRoot);
        }
        try {
            return parse(lines, outputRoot);
        } catch (IllegalArgumentException e) {
            // A damaged file (bad escape): start afresh rather than fail the build.
            return empty(outputRoot);
        }
    }

    private static GenerationState parse(List<String> lines, Path outputRoot) {
        Map<String, Entry> models = new TreeMap<>();
        String model = null;
        String digest = null;
        Map<String, String> outputs = new TreeMap<>();
        boolean rootMatches = false;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t", -1);
            switch (f[0]) {
                case "root" -> rootMatches = f.length == 2 && decode(f[1]).equals(outputRoot.toString());
                case "model" -> {
                    if (f.length != 3) {
                        return empty(outputRoot);
                    }
                    if (model != null) {
                        models.put(model, new Entry(digest, outputs));
                    }
                    model = decode(f[1]);
                    digest = f[2];
                    outputs = new TreeMap<>();
                }
                case "output" -> {
                    if (f.length != 3 || model == null) {
                        return empty(outputRoot);
                    }
                    outputs.put(decode(f[1]), f[2]);
                }
                default -> {
                    return empty(outputRoot);
                }
            }
        }
        if (model != null) {
            models.put(model, new Entry(digest, outputs));
        }
        return rootMatches ? new GenerationState(outputRoot, models) : empty(outputRoot);
    }

    /** The file's text. */
    String render() {
        StringBuilder b = new StringBuilder(MAGIC).append('\n');
        b.append("root\t").append(encode(outputRoot.toString())).append('\n');
        models.forEach((model, entry) -> {
            b.append("model\t").append(encode(model)).append('\t').append(entry.digest()).append('\n');
            entry.outputs().forEach((path, sha) ->
                    b.append("output\t").append(encode(path)).append('\t').append(sha).append('\n'));
        });
        return b.toString();
    }

    /** Writes the state unless the file already holds exactly this text. */
    void write(Path file) throws IOException {
        AtomicFiles.writeIfChanged(file, render().getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(String s) {
        return s.replace("%", "%25").replace("\t", "%09").replace("\n", "%0A").replace("\r", "%0D");
    }

    private static String decode(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '%' && i + 2 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }
}
