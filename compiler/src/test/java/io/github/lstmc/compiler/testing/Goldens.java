package io.github.lstmc.compiler.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lstmc.compiler.load.LoadOptions;
import io.github.lstmc.runtime.Layout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The golden cases under {@code src/test/resources/goldens/} (see the README there): one
 * directory per case with the model, {@code input.json}, {@code expected.json} and {@code meta.json}.
 */
public final class Goldens {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Goldens() {
    }

    /** One case directory. */
    public record Case(String group, String name, Path dir, JsonNode meta) {
        /** The file to pass to {@code Lstmc.load}: {@code model.onnx} or {@code model.safetensors}. */
        public Path model() {
            Path onnx = dir.resolve("model.onnx");
            return Files.exists(onnx) ? onnx : dir.resolve("model.safetensors");
        }

        /** The Burn config, or null. */
        public Path config() {
            JsonNode config = meta.get("config");
            return config == null || config.isNull() ? null : dir.resolve(config.asText());
        }

        /** The tensor prefix of the LSTM inside a larger state_dict, or null. */
        public String prefix() {
            JsonNode prefix = meta.get("prefix");
            return prefix == null || prefix.isNull() ? null : prefix.asText();
        }

        /** Whether the reference model ran batch-first (torch {@code batch_first}, Burn {@code batch_first}). */
        public boolean batchFirst() {
            JsonNode batchFirst = meta.get("batch_first");
            return batchFirst != null && batchFirst.asBoolean();
        }

        /**
         * Load options for this case: the Burn config, the tensor prefix, and for a PyTorch
         * {@code batch_first} model the batch-first layout and for an {@code nn.RNN} its nonlinearity
         * (a safetensors file can say neither itself).
         */
        public LoadOptions loadOptions() {
            boolean pytorch = "pytorch-safetensors".equals(meta.path("format").asText());
            JsonNode nonlinearity = meta.get("nonlinearity");
            return new LoadOptions(config(), prefix(), pytorch && batchFirst() ? Layout.BATCH_FIRST : null)
                    .withRnnNonlinearity(pytorch && nonlinearity != null ? nonlinearity.asText() : null);
        }

        /** The layout the loaded model should have: torch's or the Burn config's {@code batch_first}. */
        public Layout expectedLayout() {
            boolean batchFirst = config() != null ? burnConfig().path("batch_first").asBoolean(true) : batchFirst();
            return batchFirst ? Layout.BATCH_FIRST : Layout.SEQUENCE_FIRST;
        }

        private JsonNode burnConfig() {
            try {
                return JSON.readTree(config().toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public Path input() {
            return dir.resolve("input.json");
        }

        public Path expected() {
            return dir.resolve("expected.json");
        }

        @Override
        public String toString() {
            return group + "/" + name;
        }
    }

    /** The root directory {@code goldens/} on the test class path. */
    public static Path root() {
        URL url = Goldens.class.getResource("/goldens/README.md");
        if (url == null) {
            throw new IllegalStateException("goldens/README.md is not on the test class path");
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every case of a group ({@code pytorch}, {@code burn}, {@code onnx-export}), sorted by name. */
    public static List<Case> cases(String group) {
        Path groupDir = root().resolve(group);
        try (Stream<Path> dirs = Files.list(groupDir)) {
            return dirs.filter(Files::isDirectory).sorted().map(dir -> load(group, dir)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Case load(String group, Path dir) {
        try {
            return new Case(group, dir.getFileName().toString(), dir, JSON.readTree(dir.resolve("meta.json").toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
