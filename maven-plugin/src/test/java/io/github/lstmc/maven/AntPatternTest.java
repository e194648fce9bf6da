package io.github.lstmc.maven;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AntPatternTest {

    @Test
    void doubleStarMatchesAnyNumberOfDirectoriesIncludingNone() {
        AntPattern p = AntPattern.of("**/*.onnx");
        assertTrue(p.matches("tagger.onnx"));
        assertTrue(p.matches("nlp/tagger.onnx"));
        assertTrue(p.matches("a/b/c/tagger.onnx"));
        assertFalse(p.matches("tagger.onnx.bak"));
        assertFalse(p.matches("taggeronnx"));
    }

    @Test
    void singleStarStaysWithinOneSegment() {
        AntPattern p = AntPattern.of("*.json");
        assertTrue(p.matches("config.json"));
        assertFalse(p.matches("burn/config.json"));
    }

    @Test
    void questionMarkIsOneCharacterAndDotsAreLiteral() {
        AntPattern p = AntPattern.of("m?.safetensors");
        assertTrue(p.matches("m1.safetensors"));
        assertFalse(p.matches("m12.safetensors"));
        assertFalse(p.matches("m1xsafetensors"));
    }

    @Test
    void trailingSlashMeansEverythingBelow() {
        AntPattern p = AntPattern.of("experimental/");
        assertTrue(p.matches("experimental/a.onnx"));
        assertTrue(p.matches("experimental/deep/b.onnx"));
        assertFalse(p.matches("stable/a.onnx"));
    }

    @Test
    void backslashesAreSeparators() {
        assertTrue(AntPattern.of("sub\\*.onnx").matches("sub/a.onnx"));
    }
}
