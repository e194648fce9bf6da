package io.github.lstmc.compiler.load.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lstmc.compiler.model.Activation;
import io.github.lstmc.compiler.model.Activation.Kind;
import io.github.lstmc.compiler.model.HeadLayer;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.model.TimeReduction;
import io.github.lstmc.runtime.Layout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whole networks in the shapes exporters write them, imported into one Model with its stages. */
class OnnxWholeGraphsTest {
    private static final int H = WholeGraphs.H;
    private static final int K = WholeGraphs.K;

    private static OnnxImport read(byte[] bytes) throws Exception {
        return OnnxLoader.read(bytes, "net.onnx");
    }

    private static List<Class<?>> kinds(Model m) {
        return m.head().stream().<Class<?>>map(Object::getClass).toList();
    }

    @Test
    void perStepLinearHead() throws Exception {
        Model m = read(WholeGraphs.tagger()).model();
        assertEquals(Layout.BATCH_FIRST, m.layout());
        assertEquals(TimeReduction.NONE, m.reduction());
        HeadLayer.Dense dense = assertInstanceOf(HeadLayer.Dense.class, m.head().get(0));
        assertEquals(K, dense.weight().rows());
        assertEquals(H, dense.weight().cols());
        assertEquals(K, dense.bias().cols());
        assertEquals(K, m.outputSize());
    }

    @Test
    void lastStepThroughAnMlpToSoftmax() throws Exception {
        for (String direction : List.of("forward", "bidirectional")) {
            Model m = read(WholeGraphs.lastStepClassifier(direction)).model();
            assertEquals(TimeReduction.LAST_STEP, m.reduction(), direction);
            assertEquals(List.of(HeadLayer.Dense.class, HeadLayer.Elementwise.class, HeadLayer.Dense.class,
                    HeadLayer.Softmax.class), kinds(m));
            assertEquals(Activation.of(Kind.RELU), ((HeadLayer.Elementwise) m.head().get(1)).function());
            assertEquals(direction.equals("forward") ? H : 2 * H, m.head().get(0).inputSize());
        }
    }

    @Test
    void finalStatesOfTheLastLayerFromConcatenatedYh() throws Exception {
        Model m = read(WholeGraphs.hnStackedBidirectional()).model();
        assertEquals(2, m.layers().size());
        assertEquals(Layout.SEQUENCE_FIRST, m.layout());
        assertEquals(TimeReduction.FINAL_STATE, m.reduction());
        assertEquals(List.of(HeadLayer.Dense.class, HeadLayer.Elementwise.class), kinds(m));
        assertEquals(2 * H, m.head().get(0).inputSize());
    }

    @Test
    void tf2onnxBidirectionalSplitAndJoin() throws Exception {
        Model perStep = read(WholeGraphs.tf2onnxBidirectional(true)).model();
        assertEquals(TimeReduction.NONE, perStep.reduction());
        assertEquals(Layout.BATCH_FIRST, perStep.layout());
        assertEquals(List.of(HeadLayer.Dense.class, HeadLayer.Softmax.class), kinds(perStep));
        Model reduced = read(WholeGraphs.tf2onnxBidirectional(false)).model();
        // forward's last step with reverse's first step: both final states
        assertEquals(TimeReduction.FINAL_STATE, reduced.reduction());
        assertEquals(2 * H, reduced.head().get(0).inputSize());
    }

    @Test
    void lastValidStepFollowsWhetherTheLstmTakesTheLengths() throws Exception {
        OnnxImport masked = read(WholeGraphs.lastValidStep(true, true));
        assertEquals(TimeReduction.LAST_VALID_STEP, masked.model().reduction());
        assertTrue(masked.model().lengthsMaskRecurrence());
        assertEquals("lengths", masked.sequenceLengths());
        OnnxImport unmasked = read(WholeGraphs.lastValidStep(false, true));
        assertEquals(TimeReduction.LAST_VALID_STEP, unmasked.model().reduction());
        assertFalse(unmasked.model().lengthsMaskRecurrence());
        assertEquals("lengths", unmasked.sequenceLengths());
    }

    @Test
    void embeddingLookups() throws Exception {
        OnnxImport torch = read(WholeGraphs.embeddingTagger(11));
        assertEquals(11, torch.model().vocabularySize());
        assertEquals("ids", torch.inputName());
        assertEquals(Layout.BATCH_FIRST, torch.model().layout());
        Model keras = read(WholeGraphs.kerasEmbedding(7)).model();
        assertEquals(7, keras.vocabularySize());
        assertEquals(TimeReduction.LAST_STEP, keras.reduction());
        assertEquals(List.of(HeadLayer.Dense.class), kinds(keras));
    }

    @Test
    void normalisationFoldsIntoAnInputAffine() throws Exception {
        Model m = read(WholeGraphs.normalizedInput()).model();
        assertEquals(TimeReduction.NONE, m.reduction());
        assertTrue(m.head().isEmpty());
        float[] scale = m.inputAffine().scale().toArray();
        float[] shift = m.inputAffine().shift().toArray();
        assertEquals(0.5f, scale[0]);
        assertEquals(2f, scale[1]);
        assertEquals(0.25f, scale[2]);
        assertEquals(-0.25f, shift[0]);
        assertEquals(2f, shift[1]);
        assertEquals(-0.5f, shift[2]);
    }

    @Test
    void exactGeluChain() throws Exception {
        Model m = read(WholeGraphs.geluHead()).model();
        assertEquals(List.of(HeadLayer.Dense.class, HeadLayer.Elementwise.class, HeadLayer.Dense.class), kinds(m));
        assertEquals(Activation.of(Kind.GELU), ((HeadLayer.Elementwise) m.head().get(1)).function());
    }

    @Test
    void meanOverTimeAtOldAndNewOpsets() throws Exception {
        for (long opset : List.of(13L, 18L)) {
            Model m = read(WholeGraphs.meanPooled(opset)).model();
            assertEquals(TimeReduction.MEAN, m.reduction());
            HeadLayer.Softmax last = assertInstanceOf(HeadLayer.Softmax.class, m.head().get(1));
            assertTrue(last.log());
        }
    }

    @Test
    void bareLstmStaysBare() throws Exception {
        OnnxImport imported = read(WholeGraphs.normalizedInput());
        assertNull(imported.sequenceLengths());
        assertNull(imported.model().embedding());
    }

    @Test
    void batchNormsFoldIntoTheInputTransformAndTheHead() throws Exception {
        Model m = read(WholeGraphs.batchNorms()).model();
        assertEquals(3, m.inputAffine().size());
        assertEquals(TimeReduction.LAST_STEP, m.reduction());
        // Gemm, then the batch norm folded into it, ReLU, Gemm
        assertEquals(List.of(HeadLayer.Dense.class, HeadLayer.Elementwise.class, HeadLayer.Dense.class), kinds(m));
    }

    @Test
    void finalStatesFromATransposedAndReshapedYh() throws Exception {
        Model m = read(WholeGraphs.yhTransposed()).model();
        assertEquals(TimeReduction.FINAL_STATE, m.reduction());
        assertEquals(2 * H, m.head().get(0).inputSize());
    }
}
