package io.github.lstmc.compiler.emit.java;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.emit.ClassFileStats;
import io.github.lstmc.compiler.interpret.Interpreter;
import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.Layout;
import io.github.lstmc.runtime.LstmNetwork;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A model of input 512 and hidden 1024 (6.3 M parameters) compiles to a loadable class whose
 * methods all stay JIT-compilable (at most 8,000 bytes of bytecode) and whose constant pool fits,
 * and it computes what the interpreter does.
 */
class LargeModelTest {

    @Test
    void sixMillionParametersCompileLoadAndRun() throws Exception {
        Random rnd = new Random(3);
        int input = 512;
        int hidden = 1024;
        DirectionCell cell = new DirectionCell(Direction.FORWARD, TestModels.matrix(rnd, 4 * hidden, input, hidden),
                TestModels.matrix(rnd, 4 * hidden, hidden, hidden), TestModels.matrix(rnd, 1, 4 * hidden, hidden), null,
                null, null, CellActivations.DEFAULT);
        Model model = new Model("large", List.of(Layer.of(cell)), Layout.BATCH_FIRST);
        assertTrue(model.parameterCount() > 6_000_000);

        CompileOptions options = CompileOptions.of("large", "Large");
        String source = new String(Lstmc.compiler().generate(model, options).files().get(0).content(),
                StandardCharsets.UTF_8);
        InMemoryJavaCompiler.Result compiled = InMemoryJavaCompiler.compile(Map.of("large.Large", source));
        ClassFileStats stats = ClassFileStats.of(compiled.classFiles().get("large.Large"));
        assertTrue(stats.largestMethod() <= ClassFileStats.JIT_METHOD_LIMIT,
                stats.largestMethodName() + " has " + stats.largestMethod() + " bytes of bytecode");
        assertTrue(stats.constantPoolCount() < 65_535, "constant pool " + stats.constantPoolCount());

        LstmNetwork net = (LstmNetwork) compiled.load("large.Large").getConstructor().newInstance();
        float[][][] x = new float[1][2][input];
        for (float[] v : x[0]) {
            for (int k = 0; k < input; k++) {
                v[k] = rnd.nextFloat() - 0.5f;
            }
        }
        float[][][] want = new Interpreter(model).forward(x);
        float[][][] got = net.forward(x);
        for (int t = 0; t < 2; t++) {
            DifferentialTest.compare("large t=" + t, want[0][t], got[0][t]);
        }
    }
}
