package io.github.lstmc.compiler.hardening;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.load.LoadOptions;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.plan.PlanOptions;
import io.github.lstmc.compiler.testing.RandomModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates source and bytecode for a fixed set of models into a directory: run in process and in a
 * child JVM of another JDK by {@link DeterminismTest}, which compares the two trees byte for byte.
 *
 * <p>Usage: {@code DeterminismProbe OUT_DIR [MODEL_FILE[::BURN_CONFIG]...]}: random models with every feature
 * (fixed seeds) plus the given model files (loaded with default options).
 */
public final class DeterminismProbe {
    /** Seeds of the random models: with every feature enabled, each is used about half the time. */
    static final long[] SEEDS = {11, 12, 13, 14};

    /** Separates a weights file from its Burn config in a model argument: {@code weights.safetensors::config.json}. */
    static final String CONFIG_SEPARATOR = "::";

    private DeterminismProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        List<String> files = List.of(args).subList(1, args.length);
        generate(out, files);
    }

    /** Writes every model's source and class file below {@code out/<model>/<backend>/}. */
    static void generate(Path out, List<String> modelFiles) throws IOException, LstmcException {
        List<Model> models = new ArrayList<>();
        List<String> names = new ArrayList<>();
        RandomModels.Features features = RandomModels.Features.all().withMaxSize(12).withMaxLayers(3).withProbability(0.7);
        for (long seed : SEEDS) {
            models.add(RandomModels.model(seed, features));
            names.add("random" + seed);
        }
        for (int i = 0; i < modelFiles.size(); i++) {
            String[] parts = modelFiles.get(i).split(CONFIG_SEPARATOR, 2);
            LoadOptions options = parts.length == 1 ? LoadOptions.DEFAULT : new LoadOptions(Path.of(parts[1]), null, null);
            models.add(Lstmc.compiler().load(Path.of(parts[0]), options));
            names.add("file" + i);
        }
        for (int i = 0; i < models.size(); i++) {
            for (Backend backend : Backend.values()) {
                CompileOptions options = new CompileOptions("lstmc.determinism", "M" + i, backend,
                        backend == Backend.BYTECODE ? 17 : 8);
                Lstmc.compiler().generate(models.get(i), options)
                        .writeTo(out.resolve(names.get(i)).resolve(backend.name().toLowerCase(java.util.Locale.ROOT)));
                // the Vector API tier too, with every looped product and cell update vectorized
                Lstmc.compiler().generate(models.get(i), options.withVectorApi(true), PlanOptions.LOOPS_ONLY)
                        .writeTo(out.resolve(names.get(i)).resolve("vector-" + backend.name().toLowerCase(java.util.Locale.ROOT)));
            }
        }
    }
}
