package io.github.lstmc.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.plan.PlanOptions;
import io.github.lstmc.compiler.testing.RandomModels;
import io.github.lstmc.runtime.LstmNetwork;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** generate / instantiate / describePlan through the public facade. */
class LstmcCodegenFacadeTest {

    @Test
    void instantiatedSourceNetworkRunsLikeTheInterpreter() {
        Model model = RandomModels.model(11, RandomModels.Features.plain().withMaxSize(6).withMaxLayers(2));
        LstmNetwork generated = Lstmc.compiler().instantiate(model, CompileOptions.of("facade", "Net"));
        LstmNetwork reference = Lstmc.compiler().interpreter(model);
        float[][][] x = RandomModels.input(new Random(1), 2, 4, model.inputSize());
        float[][][] want = reference.forward(x);
        float[][][] got = generated.forward(x);
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 4; t++) {
                for (int k = 0; k < want[b][t].length; k++) {
                    assertTrue(Math.abs(want[b][t][k] - got[b][t][k]) <= 1e-5, "b" + b + " t" + t + " k" + k);
                }
            }
        }
    }

    @Test
    void describePlanNamesTheChoicesAndTheLargestMethod() {
        Model model = RandomModels.model(12, RandomModels.Features.plain().withMaxSize(4).withMaxLayers(1));
        String text = Lstmc.compiler().describePlan(model);
        assertTrue(text.startsWith("layer0Forward: gates unrolled ("), text);
        assertTrue(text.contains("bytes of bytecode (JIT limit 8000), constant pool"), text);
        assertTrue(text.contains(", largest layer0Forward"), text);
        assertTrue(!text.contains("([F"), "method descriptors stay out of the description: " + text);
    }

    @Test
    void generateSourceGivesTheJavaFileWhateverTheBackend() {
        Model model = RandomModels.model(14, RandomModels.Features.plain().withMaxSize(4).withMaxLayers(1));
        CompileOptions bytecode = CompileOptions.of("facade", "Net").withBackend(Backend.BYTECODE);
        GeneratedFile source = Lstmc.compiler().generateSource(model, bytecode);
        assertEquals("facade/Net.java", source.relativePath());
        assertTrue(new String(source.content(), java.nio.charset.StandardCharsets.UTF_8)
                .contains("public final class Net extends AbstractLstmNetwork"));
    }

    @Test
    void vectorApiTierIsOptInAndNeedsRelease17() {
        CompileOptions plain = CompileOptions.of("facade", "Net");
        assertFalse(plain.vectorApi(), "Java 8 output is the default");
        CompileOptions vector = plain.withVectorApi(true);
        assertEquals(17, vector.targetRelease(), "turning the tier on sets its only valid level");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> vector.withTargetRelease(8));
        assertEquals("the Vector API tier needs target release 17, got 8", e.getMessage());

        Model model = RandomModels.model(15, RandomModels.Features.plain().withMaxSize(16).withMaxLayers(1));
        String plainSource = new String(Lstmc.compiler().generateSource(model, plain).content(), StandardCharsets.UTF_8);
        String vectorSource = new String(Lstmc.compiler().generateSource(model, vector).content(), StandardCharsets.UTF_8);
        assertFalse(plainSource.contains("jdk.incubator.vector"), "the default tier stays plain Java 8");
        assertTrue(vectorSource.contains("import jdk.incubator.vector.FloatVector;"), "the opt-in tier uses the Vector API");
        float[][][] input = RandomModels.input(new Random(3), 2, 4, model.inputSize());
        float[][][] expected = Lstmc.compiler().interpreter(model).forward(input);
        for (Backend backend : Backend.values()) {
            float[][][] actual = Lstmc.compiler().instantiate(model, vector.withBackend(backend)).forward(input);
            for (int b = 0; b < 2; b++) {
                for (int t = 0; t < 4; t++) {
                    for (int i = 0; i < expected[b][t].length; i++) {
                        assertEquals(expected[b][t][i], actual[b][t][i], 1e-5, backend + " " + b + "," + t + "," + i);
                    }
                }
            }
        }
    }

    @Test
    void planOptionsReachTheGeneratedCode() {
        Model model = RandomModels.model(13, RandomModels.Features.plain().withMaxSize(4).withMaxLayers(1));
        CompileOptions options = CompileOptions.of("facade", "Net");
        String looped = new String(Lstmc.compiler().generate(model, options, PlanOptions.LOOPS_ONLY).files().get(0)
                .content(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(looped.contains("_WEIGHTS_T["), looped);
        assertArrayEquals(Lstmc.compiler().generate(model, options).files().get(0).content(),
                Lstmc.compiler().generate(model, options, PlanOptions.DEFAULT).files().get(0).content());
    }
}
