package com.example;

import com.example.models.TestProbe;

/** Test code sees the model generated from src/test/lstm. */
final class ProbeUser {
    static int inputs() {
        return new TestProbe().inputSize();
    }
}
