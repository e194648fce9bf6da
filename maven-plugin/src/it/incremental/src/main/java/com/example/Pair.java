package com.example;

import com.example.models.Alpha;

/** Hand-written code that depends on one of the generated classes. */
final class Pair {
    static int width() {
        return new Alpha().outputSize();
    }
}
