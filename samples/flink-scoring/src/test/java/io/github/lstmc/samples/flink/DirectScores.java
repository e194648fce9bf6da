package io.github.lstmc.samples.flink;

import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;
import io.github.lstmc.samples.flink.model.SineForecaster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The expected scores: each sensor's readings in time order through the generated class directly, no Flink. */
final class DirectScores {
    private DirectScores() {
    }

    /** Per sensor, its scores in time order. */
    static Map<String, List<Score>> of(int sensors, int steps) {
        LstmNetwork net = new SineForecaster();
        LstmWorkspace ws = net.newWorkspace(1, 1);
        float[] out = new float[net.outputSize()];
        Map<String, List<Score>> scores = new TreeMap<>();
        for (int s = 0; s < sensors; s++) {
            LstmState state = net.newState(1);
            List<Score> list = new ArrayList<>();
            float forecast = Float.NaN;
            for (int t = 0; t < steps; t++) {
                float value = SensorReadings.value(s, t);
                list.add(new Score(SensorReadings.name(s), SensorReadings.START_MS + t * SensorReadings.PERIOD_MS, value,
                        forecast));
                net.step(new float[] {value}, state, ws, out);
                forecast = out[0];
            }
            scores.put(SensorReadings.name(s), list);
        }
        return scores;
    }

    /** {@code scores} grouped by sensor, each sensor's in time order (ties kept in arrival order). */
    static Map<String, List<Score>> bySensor(List<Score> scores) {
        Map<String, List<Score>> grouped = new TreeMap<>();
        for (Score s : scores) {
            grouped.computeIfAbsent(s.sensor, k -> new ArrayList<>()).add(s);
        }
        grouped.values().forEach(l -> l.sort(java.util.Comparator.comparingLong(s -> s.timestamp)));
        return grouped;
    }

    /** One line per score, floats as raw bits: equal text means bit-identical scores. */
    static String text(Map<String, List<Score>> scores) {
        StringBuilder b = new StringBuilder();
        scores.values().forEach(list -> list.forEach(s -> b.append(line(s)).append('\n')));
        return b.toString();
    }

    /** One score as text, its floats as raw bits. */
    static String line(Score s) {
        return s.sensor + " " + s.timestamp + " " + Integer.toHexString(Float.floatToRawIntBits(s.value)) + " "
                + Integer.toHexString(Float.floatToRawIntBits(s.forecast)) + " "
                + Integer.toHexString(Float.floatToRawIntBits(s.score));
    }
}
