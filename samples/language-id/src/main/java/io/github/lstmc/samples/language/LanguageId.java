package io.github.lstmc.samples.language;

import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.samples.language.model.LanguageIdNetwork;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Tells which language a word is from: English, German, French, Italian, Spanish or Dutch.
 *
 * <p>The work is done by {@link LanguageIdNetwork}, the class the lstmc Maven plugin generated at
 * build time from {@code src/main/lstm/language_id.onnx}: a character-level BiLSTM trained in
 * PyTorch (embedding, bidirectional LSTM, final states of both directions, linear layer, softmax).
 * This class only turns a word into the network's token ids, with the same mapping the training
 * script used ({@code alphabet.txt}), and names its outputs ({@code languages.txt}).
 *
 * <pre>java -cp language-id.jar:lstmc-runtime.jar io.github.lstmc.samples.language.LanguageId word...</pre>
 *
 * <p>One instance per thread is always safe, and cheap: the weights are static data of the generated class.
 */
public final class LanguageId {
    /** Token id of every character that is not in the alphabet. */
    public static final int UNKNOWN = 0;

    private final LstmNetwork network = new LanguageIdNetwork();
    private final Map<Integer, Integer> idOfLetter = new HashMap<>();
    private final List<String> codes = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    /** The network's answer for one word. */
    public static final class Prediction {
        private final String word;
        private final List<String> codes;
        private final List<String> names;
        private final float[] probabilities;
        private final int best;

        Prediction(String word, List<String> codes, List<String> names, float[] probabilities) {
            this.word = word;
            this.codes = codes;
            this.names = names;
            this.probabilities = probabilities;
            int b = 0;
            for (int k = 1; k < probabilities.length; k++) {
                if (probabilities[k] > probabilities[b]) {
                    b = k;
                }
            }
            this.best = b;
        }

        /** The word as given. */
        public String word() {
            return word;
        }

        /** Index of the most probable language in {@link LanguageId#languageCodes()}. */
        public int index() {
            return best;
        }

        /** ISO 639-1 code of the most probable language, e.g. {@code "de"}. */
        public String code() {
            return codes.get(best);
        }

        /** English name of the most probable language, e.g. {@code "German"}. */
        public String language() {
            return names.get(best);
        }

        /** The probability of the most probable language. */
        public float probability() {
            return probabilities[best];
        }

        /** The probability of each language, in the order of {@link LanguageId#languageCodes()} (a copy). */
        public float[] probabilities() {
            return probabilities.clone();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: %s (%.3f)", word, names.get(best), probabilities[best]);
        }
    }

    /** Loads the alphabet and the language names from the class path. */
    public LanguageId() {
        List<String> letters = lines("alphabet.txt");
        for (int i = 0; i < letters.size(); i++) {
            String letter = letters.get(i);
            if (letter.codePointCount(0, letter.length()) != 1) {
                throw new IllegalStateException("alphabet.txt line " + (i + 1) + ": not one character: '" + letter + "'");
            }
            idOfLetter.put(letter.codePointAt(0), i + 1); // id 0 is UNKNOWN
        }
        for (String line : lines("languages.txt")) {
            String[] f = line.split("\t");
            if (f.length != 2) {
                throw new IllegalStateException("languages.txt: expected 'code<TAB>name', got '" + line + "'");
            }
            codes.add(f[0]);
            names.add(f[1]);
        }
        if (network.vocabularySize() != letters.size() + 1 || network.outputSize() != codes.size()) {
            throw new IllegalStateException("the network takes " + network.vocabularySize() + " token ids and gives "
                    + network.outputSize() + " outputs, but alphabet.txt has " + letters.size()
                    + " letters (+ unknown) and languages.txt " + codes.size() + " languages");
        }
    }

    /** ISO 639-1 codes of the languages, in the order of {@link Prediction#probabilities()}. */
    public List<String> languageCodes() {
        return Collections.unmodifiableList(codes);
    }

    /** English names of the languages, in the same order. */
    public List<String> languageNames() {
        return Collections.unmodifiableList(names);
    }

    /**
     * The token ids of a word as the model was trained on them: Unicode NFC, lower case, one id per
     * character ({@link #UNKNOWN} for characters outside the alphabet).
     *
     * @throws IllegalArgumentException if the word is empty
     */
    public int[] encode(String word) {
        String w = Normalizer.normalize(word, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
        if (w.isEmpty()) {
            throw new IllegalArgumentException("empty word");
        }
        int[] ids = new int[w.codePointCount(0, w.length())];
        for (int i = 0, offset = 0; offset < w.length(); i++) {
            int c = w.codePointAt(offset);
            Integer id = idOfLetter.get(c);
            ids[i] = id == null ? UNKNOWN : id;
            offset += Character.charCount(c);
        }
        return ids;
    }

    /**
     * The language of one word. The model was trained on single dictionary words of 2 to 20 letters;
     * on longer text or other languages it still answers, with less meaning.
     *
     * @throws IllegalArgumentException if the word is empty
     */
    public Prediction identify(String word) {
        // One unpadded word per call: the shape the model was exported for ([1, steps]).
        float[] p = network.predict(new int[][] {encode(word)})[0];
        return new Prediction(word, codes, names, p);
    }

    private static List<String> lines(String resource) {
        InputStream in = LanguageId.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException(resource + " is not on the class path next to " + LanguageId.class.getName());
        }
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isEmpty()) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(resource, e);
        }
        return lines;
    }

    /** Prints the language of each word on the command line, with the three most probable languages. */
    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: LanguageId word...");
            System.exit(2);
        }
        LanguageId id = new LanguageId();
        for (String word : args) {
            Prediction p = id.identify(word);
            float[] probabilities = p.probabilities();
            Integer[] order = new Integer[probabilities.length];
            for (int k = 0; k < order.length; k++) {
                order[k] = k;
            }
            java.util.Arrays.sort(order, (a, b) -> Float.compare(probabilities[b], probabilities[a]));
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-20s %-8s", word, p.language()));
            for (int k = 0; k < 3; k++) {
                line.append(String.format(Locale.ROOT, "  %s %5.1f%%", id.codes.get(order[k]), 100 * probabilities[order[k]]));
            }
            System.out.println(line);
        }
    }
}
