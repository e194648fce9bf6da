package io.github.lstmc.maven;

import io.github.lstmc.compiler.JavaNames;
import io.github.lstmc.compiler.LstmcException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Finds the models under a source directory: the files matching the includes and none of the
 * excludes, with per-model overrides applied.
 *
 * <p>A Burn model is a config {@code name.json} beside its weights {@code name.safetensors}; the pair
 * becomes one model (the weights, read with the config), so the weights file is not compiled a
 * second time on its own. A {@code .json} with no such sibling is handed to the loader as it is.
 */
final class ModelScanner {
    /** What a project compiles when it lists no includes. */
    static final List<String> DEFAULT_INCLUDES = List.of("**/*.safetensors", "**/*.onnx", "**/*.json");

    private final Path sourceDirectory;
    private final List<AntPattern> includes;
    private final List<AntPattern> excludes;
    private final List<ModelConfiguration> overrides;
    private final String defaultLayout;

    /**
     * @param sourceDirectory where the models are; need not exist (then there are none)
     * @param includes        Ant patterns relative to it; null or empty means {@link #DEFAULT_INCLUDES}
     * @param excludes        Ant patterns relative to it, or null
     * @param overrides       per-model settings, or null
     */
    ModelScanner(Path sourceDirectory, List<String> includes, List<String> excludes,
                 List<ModelConfiguration> overrides) {
        this(sourceDirectory, includes, excludes, overrides, null);
    }

    /**
     * As above, with a layout for every model without its own ({@code batch_first}, {@code sequence_first},
     * or null for each format's default).
     */
    ModelScanner(Path sourceDirectory, List<String> includes, List<String> excludes,
                 List<ModelConfiguration> overrides, String defaultLayout) {
        this.defaultLayout = defaultLayout;
        this.sourceDirectory = sourceDirectory.toAbsolutePath().normalize();
        this.includes = patterns(includes == null || includes.isEmpty() ? DEFAULT_INCLUDES : includes);
        this.excludes = patterns(excludes == null ? List.of() : excludes);
        this.overrides = overrides == null ? List.of() : List.copyOf(overrides);
    }

    /**
     * The models, sorted by relative path.
     *
     * @throws LstmcException naming the setting when an override names no file, or two models
     *                        would get the same class name
     */
    List<ModelSource> scan() throws LstmcException, IOException {
        TreeSet<String> matched = new TreeSet<>();
        if (Files.isDirectory(sourceDirectory)) {
            try (Stream<Path> walk = Files.walk(sourceDirectory)) {
                walk.filter(Files::isRegularFile)
                        .map(this::relative)
                        .filter(this::selected)
                        .forEach(matched::add);
            }
        }
        Map<String, ModelConfiguration> overrideByFile = overridesByFile();
        for (String file : overrideByFile.keySet()) {
            if (!Files.isRegularFile(sourceDirectory.resolve(file))) {
                throw new LstmcException("lstmc configuration: <model><file>" + file
                        + "</file> is not a file under " + sourceDirectory);
            }
            // An override names the model explicitly, whatever the include patterns say.
            matched.add(file);
        }

        // Files used as a config by another model are not models themselves.
        TreeSet<String> configs = new TreeSet<>();
        Map<String, String> burnConfigOf = new HashMap<>();
        for (ModelConfiguration o : overrideByFile.values()) {
            if (o.getConfig() != null && !o.getConfig().isBlank()) {
                Path config = sourceDirectory.resolve(o.getConfig()).normalize();
                if (config.startsWith(sourceDirectory)) {
                    configs.add(relative(config));
                }
            }
        }
        for (String file : matched) {
            if (!isJson(file) || overrideByFile.containsKey(file) || configs.contains(file)) {
                continue;
            }
            String weights = weightsBeside(file);
            if (weights != null && !burnConfigOf.containsKey(weights)) {
                burnConfigOf.put(weights, file);
                configs.add(file);
            }
        }

        List<ModelSource> models = new ArrayList<>();
        Map<String, String> fileByClass = new TreeMap<>();
        TreeSet<String> modelFiles = new TreeSet<>(matched);
        modelFiles.addAll(burnConfigOf.keySet());
        for (String file : modelFiles) {
            if (configs.contains(file) && !overrideByFile.containsKey(file)) {
                continue;
            }
            ModelConfiguration o = overrideByFile.get(file);
            Path config = null;
            if (o != null && o.getConfig() != null && !o.getConfig().isBlank()) {
                config = sourceDirectory.resolve(o.getConfig()).normalize();
                if (!Files.isRegularFile(config)) {
                    throw new LstmcException("lstmc configuration: <config>" + o.getConfig() + "</config> of model "
                            + file + " is not a file");
                }
            } else if (burnConfigOf.containsKey(file)) {
                config = sourceDirectory.resolve(burnConfigOf.get(file));
            }
            String prefix = o == null || o.getPrefix() == null || o.getPrefix().isBlank() ? null : o.getPrefix().trim();
            String className = o == null || o.getClassName() == null || o.getClassName().isBlank()
                    ? JavaNames.classNameFor(file) : o.getClassName().trim();
            if (!JavaNames.isIdentifier(className)) {
                throw new LstmcException("lstmc configuration: <className>" + className + "</className> of model "
                        + file + " is not a valid Java identifier");
            }
            String clash = fileByClass.putIfAbsent(className.toLowerCase(Locale.ROOT), file);
            if (clash != null) {
                // Compared without case: the two .java/.class files would collide on case-insensitive file systems.
                throw new LstmcException("lstmc configuration: models " + clash + " and " + file
                        + " would both generate class " + className + "; give one a <className> under <models>");
            }
            String layoutText = o != null && o.getLayout() != null && !o.getLayout().isBlank()
                    ? o.getLayout() : defaultLayout;
            io.github.lstmc.runtime.Layout layout;
            try {
                layout = ModelSource.parseLayout(layoutText);
            } catch (IllegalArgumentException e) {
                throw new LstmcException("lstmc configuration: " + e.getMessage() + " (model " + file + ")");
            }
            String from = o == null || o.getFrom() == null || o.getFrom().isBlank() ? null : o.getFrom().trim();
            String to = o == null || o.getTo() == null || o.getTo().isBlank() ? null : o.getTo().trim();
            String nonlinearity = o == null || o.getRnnNonlinearity() == null || o.getRnnNonlinearity().isBlank()
                    ? null : o.getRnnNonlinearity().trim().toLowerCase(Locale.ROOT);
            if (nonlinearity != null && !nonlinearity.equals("tanh") && !nonlinearity.equals("relu")) {
                throw new LstmcException("lstmc configuration: <rnnNonlinearity>" + o.getRnnNonlinearity()
                        + "</rnnNonlinearity> of model " + file + " must be tanh or relu");
            }
            models.add(new ModelSource(file, sourceDirectory.resolve(file), config, prefix, className, layout, from, to,
                    nonlinearity));
        }
        return models;
    }

    private Map<String, ModelConfiguration> overridesByFile() throws LstmcException {
        Map<String, ModelConfiguration> byFile = new LinkedHashMap<>();
        for (ModelConfiguration o : overrides) {
            if (o.getFile() == null || o.getFile().isBlank()) {
                throw new LstmcException("lstmc configuration: every <model> needs a <file>");
            }
            String file = o.getFile().trim().replace('\\', '/');
            if (byFile.put(file, o) != null) {
                throw new LstmcException("lstmc configuration: <model><file>" + file + "</file> is configured twice");
            }
        }
        return byFile;
    }

    /** For {@code dir/name.json}, the Burn weights {@code dir/name.safetensors} beside it, or null. */
    private String weightsBeside(String jsonFile) {
        Path json = sourceDirectory.resolve(jsonFile);
        String base = json.getFileName().toString();
        Path weights = json.resolveSibling(base.substring(0, base.length() - ".json".length()) + ".safetensors");
        return Files.isRegularFile(weights) ? relative(weights) : null;
    }

    private boolean selected(String relativePath) {
        return includes.stream().anyMatch(p -> p.matches(relativePath))
                && excludes.stream().noneMatch(p -> p.matches(relativePath));
    }

    private String relative(Path file) {
        return sourceDirectory.relativize(file).toString().replace('\\', '/');
    }

    private static boolean isJson(String file) {
        return file.toLowerCase(Locale.ROOT).endsWith(".json");
    }

    private static List<AntPattern> patterns(List<String> texts) {
        return texts.stream().filter(t -> t != null && !t.isBlank()).map(AntPattern::of).toList();
    }
}
