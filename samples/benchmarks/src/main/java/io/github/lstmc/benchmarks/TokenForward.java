package io.github.lstmc.benchmarks;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.plan.EmbeddingFolding;
import io.github.lstmc.compiler.plan.PlanOptions;
import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;
import java.util.Random;

/**
 * A token network compiled with or without its embedding folded (bytecode back end, default tier),
 * and its allocation-free batch-1 token forward over seeded ids: state, workspace and output are made once.
 */
final class TokenForward {
    private final LstmNetwork network;
    private final LstmState state;
    private final LstmWorkspace workspace;
    private final int[] tokens;
    private final float[] output;
    private final int steps;

    TokenForward(Model model, EmbeddingFolding folding, int steps) {
        network = Lstmc.compiler().instantiate(model, CompileOptions.of("lstmc.bench", "Tokens" + folding)
                .withBackend(Backend.BYTECODE), PlanOptions.DEFAULT.withFolding(folding));
        this.steps = steps;
        Random rnd = new Random(BenchmarkModels.SEED);
        tokens = new int[steps];
        for (int t = 0; t < steps; t++) {
            tokens[t] = rnd.nextInt(model.vocabularySize());
        }
        state = network.newState(1);
        workspace = network.newWorkspace(1, steps);
        output = new float[steps * network.outputSize()];
    }

    /** One forward from a zero state; returns the output buffer. */
    float[] forward() {
        state.reset();
        network.forwardTokens(tokens, 1, steps, null, state, workspace, output);
        return output;
    }

    /** {@code calls} forwards. */
    void run(int calls) {
        for (int i = 0; i < calls; i++) {
            forward();
        }
    }
}
