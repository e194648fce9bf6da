import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.Lstmc;
import io.github.lstmc.compiler.WeightStorage;
import io.github.lstmc.compiler.model.CellActivations;
import io.github.lstmc.compiler.model.Direction;
import io.github.lstmc.compiler.model.DirectionCell;
import io.github.lstmc.compiler.model.Layer;
import io.github.lstmc.compiler.model.Matrix;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.runtime.Layout;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Writes the cold-start benchmark's model: one LSTM layer, I = 256, H = 384 (986,112 parameters,
 * Gaussian weights as after training), as class files. Arguments: OUT_DIR BACKEND(source|bytecode) WEIGHTS(fp32|fp16|int8).
 */
public final class GenerateModel {
    public static void main(String[] args) throws Exception {
        Random rnd = new Random(1);
        int i = 256;
        int h = 384;
        double sigma = 1 / Math.sqrt(h);
        DirectionCell cell = new DirectionCell(Direction.FORWARD, gaussian(rnd, 4 * h, i, sigma),
                gaussian(rnd, 4 * h, h, sigma), gaussian(rnd, 1, 4 * h, sigma), gaussian(rnd, 1, 4 * h, sigma),
                null, null, CellActivations.DEFAULT);
        Model model = new Model("coldstart", List.of(Layer.of(cell)), Layout.BATCH_FIRST);
        CompileOptions options = CompileOptions.of("coldstart", "Big")
                .withBackend(Backend.valueOf(args[1].toUpperCase(java.util.Locale.ROOT)))
                .withWeights(WeightStorage.parse(args[2]));
        Lstmc.compiler().generate(model, options).writeTo(Path.of(args[0]));
        System.out.println(model.parameterCount() + " parameters");
    }

    private static Matrix gaussian(Random rnd, int rows, int cols, double sigma) {
        float[] v = new float[rows * cols];
        for (int k = 0; k < v.length; k++) {
            v[k] = (float) (rnd.nextGaussian() * sigma);
        }
        return Matrix.of(rows, cols, v);
    }
}
