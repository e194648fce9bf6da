package io.github.lstmc.samples.flink;

import java.util.Arrays;

/**
 * One reading of one sensor: a Flink POJO (public fields, no-argument constructor), so Flink
 * serializes it with its own POJO serializer rather than Kryo.
 */
public class SensorEvent {
    /** The key: which sensor sent the reading. */
    public String sensor;
    /** Event time, milliseconds since the epoch. */
    public long timestamp;
    /** The model's input at this step: {@code inputSize()} features (one value for the sine forecaster). */
    public float[] features;

    public SensorEvent() {
    }

    public SensorEvent(String sensor, long timestamp, float[] features) {
        this.sensor = sensor;
        this.timestamp = timestamp;
        this.features = features;
    }

    @Override
    public String toString() {
        return sensor + "@" + timestamp + Arrays.toString(features);
    }
}
