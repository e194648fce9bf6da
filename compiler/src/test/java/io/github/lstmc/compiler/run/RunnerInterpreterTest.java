package io.github.lstmc.compiler.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.testing.RandomModels;
import io.github.lstmc.runtime.Layout;
import io.github.lstmc.runtime.LstmNetwork;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Runner} on the reference interpreter over random models: its result must not depend on the layout. */
class RunnerInterpreterTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void resultIsTheSameInBothLayoutsAndMatchesTheConvenienceForward(long seed) throws Exception {
        Random rnd = new Random(seed);
        Model model = RandomModels.model(rnd, RandomModels.Features.all().withMaxSize(12));
        int batch = 2 + rnd.nextInt(3); // with one row both layouts coincide
        int steps = 2 + rnd.nextInt(4);
        float[][][] x = RandomModels.input(rnd, batch, steps, model.inputSize());

        RunOutput plain = Runner.run(network(model, Layout.BATCH_FIRST), RunInput.of(x));
        // forward(float[][][]) converts layouts by itself (AbstractLstmNetwork), independently of Runner.
        float[][][] convenience = network(model, Layout.SEQUENCE_FIRST).forward(x);
        assertSame(convenience, plain.output());

        RunInput full = new RunInput(x, RandomModels.initialHidden(rnd, model, batch),
                RandomModels.initialCell(rnd, model, batch), RandomModels.lengths(rnd, batch, steps));
        RunOutput batchFirst = Runner.run(network(model, Layout.BATCH_FIRST), full);
        RunOutput sequenceFirst = Runner.run(network(model, Layout.SEQUENCE_FIRST), full);
        assertSame(batchFirst.output(), sequenceFirst.output());
        assertSame(batchFirst.hN(), sequenceFirst.hN());
        assertSame(batchFirst.cN(), sequenceFirst.cN());

        Path file = dir.resolve("out.json");
        batchFirst.write(file);
        RunOutput back = RunOutput.read(file);
        assertSame(batchFirst.output(), back.output());
        assertSame(batchFirst.hN(), back.hN());
        assertSame(batchFirst.cN(), back.cN());
    }

    private static LstmNetwork network(Model model, Layout layout) {
        return Lstmc.compiler().interpreter(new Model(model.name(), model.layers(), layout));
    }

    /** Bit-identical, NaN-aware. */
    private static void assertSame(float[][][] expected, float[][][] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].length, actual[i].length);
            for (int j = 0; j < expected[i].length; j++) {
                assertArrayEquals(expected[i][j], actual[i][j], 0f, "[" + i + "][" + j + "]");
            }
        }
    }
}
