package io.github.lstmc.samples.sine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The cases train.py stored in {@code pytorch_outputs.txt}: inputs, PyTorch's outputs and the true next values. */
final class PyTorchOutputs {

    /** One sequence (batch of one, one feature per step). */
    static final class Case {
        final String name;
        final float[] input;
        final float[] output;
        final float[] clean;

        Case(String name, float[] input, float[] output, float[] clean) {
            this.name = name;
            this.input = input;
            this.output = output;
            this.clean = clean;
        }
    }

    private PyTorchOutputs() {
    }

    static List<Case> read() throws IOException {
        InputStream in = PyTorchOutputs.class.getResourceAsStream("/pytorch_outputs.txt");
        if (in == null) {
            throw new IOException("pytorch_outputs.txt is not on the test class path");
        }
        List<Case> cases = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String name = null;
            int steps = 0;
            float[] input = null;
            float[] output = null;
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#") || line.trim().isEmpty()) {
                    continue;
                }
                String[] f = line.trim().split(" ");
                switch (f[0]) {
                    case "case":
                        name = f[1];
                        steps = Integer.parseInt(f[2]);
                        break;
                    case "input":
                        input = floats(f, steps, name);
                        break;
                    case "output":
                        output = floats(f, steps, name);
                        break;
                    case "clean":
                        cases.add(new Case(name, input, output, floats(f, steps, name)));
                        break;
                    default:
                        throw new IOException("pytorch_outputs.txt: unexpected line '" + f[0] + "'");
                }
            }
        }
        return cases;
    }

    private static float[] floats(String[] fields, int steps, String name) throws IOException {
        if (fields.length - 1 != steps) {
            throw new IOException("pytorch_outputs.txt: case " + name + " has " + (fields.length - 1)
                    + " values where " + steps + " were announced");
        }
        float[] v = new float[steps];
        for (int i = 0; i < steps; i++) {
            v[i] = Float.parseFloat(fields[i + 1]);
        }
        return v;
    }
}
