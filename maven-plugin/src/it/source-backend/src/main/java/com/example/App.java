package com.example;

import com.example.models.SpeechTagger;
import io.github.lstmc.runtime.LstmNetwork;

/** What a user writes: the generated model is an ordinary class. */
public final class App {
    private static final LstmNetwork MODEL = new SpeechTagger();

    private App() {
    }

    /** Runs the model on {@code [B][T][I]} inputs. */
    public static float[][][] run(float[][][] input) {
        return MODEL.forward(input);
    }
}
