package io.github.lstmc.samples.language;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The class generated from {@code language_id.onnx} against PyTorch on words it was never trained on
 * ({@code heldout.tsv}, written by {@code train/train_language_id.py}).
 */
class LanguageIdTest {
    /** PyTorch and the generated code may round differently in the last bits; 1e-5 is far below any change of answer. */
    private static final float TOLERANCE = 1e-5f;

    /** One line of heldout.tsv: a word, its language's code and PyTorch's probability of each language. */
    private static final class Row {
        final String word;
        final String language;
        final float[] probabilities;

        Row(String word, String language, float[] probabilities) {
            this.word = word;
            this.language = language;
            this.probabilities = probabilities;
        }
    }

    private static List<Row> rows;
    private static final LanguageId ID = new LanguageId();

    @BeforeAll
    static void readHeldOut() throws IOException {
        rows = new ArrayList<>();
        for (String line : text("/heldout.tsv").split("\n")) {
            if (line.startsWith("#") || line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t");
            assertEquals(2 + ID.languageCodes().size(), f.length, "heldout.tsv: " + line);
            float[] p = new float[f.length - 2];
            for (int k = 0; k < p.length; k++) {
                p[k] = Float.parseFloat(f[k + 2]);
            }
            rows.add(new Row(f[0], f[1], p));
        }
    }

    @Test
    void sixLanguagesFromTheFiftyLettersOfTheAlphabet() {
        assertEquals(Arrays.asList("en", "de", "fr", "it", "es", "nl"), ID.languageCodes());
        assertEquals("German", ID.languageNames().get(1));
        assertArrayEquals(new int[] {19, 20, 18, 1, 27, 5}, ID.encode("Straße"), "case folded, ß is a letter");
        assertArrayEquals(ID.encode("été"), ID.encode("e\u0301te\u0301"), "decomposed accents are composed first (NFC)");
        assertArrayEquals(new int[] {1, LanguageId.UNKNOWN, 1}, ID.encode("a-a"), "characters outside the alphabet");
        assertThrows(IllegalArgumentException.class, () -> ID.identify(""));
    }

    @Test
    void sameProbabilitiesAsPyTorchOnEveryHeldOutWord() {
        assertTrue(rows.size() >= 300, "heldout.tsv has " + rows.size() + " words");
        for (Row r : rows) {
            float[] p = ID.identify(r.word).probabilities();
            assertEquals(r.probabilities.length, p.length, r.word);
            for (int k = 0; k < p.length; k++) {
                assertEquals(r.probabilities[k], p[k], TOLERANCE, r.word + ": p(" + ID.languageCodes().get(k) + ")");
            }
        }
    }

    @Test
    void sameHeldOutAccuracyAsPyTorch() throws IOException {
        int pytorch = 0;
        int java = 0;
        for (Row r : rows) {
            pytorch += ID.languageCodes().get(argmax(r.probabilities)).equals(r.language) ? 1 : 0;
            java += ID.identify(r.word).code().equals(r.language) ? 1 : 0;
        }
        Matcher m = Pattern.compile("\"correct\": (\\d+)").matcher(text("/pytorch_accuracy.json"));
        assertTrue(m.find(), "pytorch_accuracy.json has no \"correct\"");
        assertEquals(Integer.parseInt(m.group(1)), pytorch, "heldout.tsv and pytorch_accuracy.json disagree");
        assertEquals(pytorch, java, "words identified correctly of " + rows.size());
        // What training bought: far above the 1 in 6 of guessing.
        assertTrue(java > 0.8 * rows.size(), java + " of " + rows.size());
    }

    @Test
    void commandLinePrintsOneLinePerWord() {
        PrintStream saved = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true));
        try {
            LanguageId.main(new String[] {rows.get(0).word, rows.get(1).word});
        } finally {
            System.setOut(saved);
        }
        String[] lines = buffer.toString().split("\n");
        assertEquals(2, lines.length, buffer.toString());
        assertTrue(lines[0].startsWith(rows.get(0).word + " "), lines[0]);
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int k = 1; k < v.length; k++) {
            if (v[k] > v[best]) {
                best = k;
            }
        }
        return best;
    }

    private static String text(String resource) throws IOException {
        InputStream in = LanguageIdTest.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException(resource + " is not on the test class path");
        }
        StringBuilder s = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                s.append(line).append('\n');
            }
        }
        return s.toString();
    }
}
