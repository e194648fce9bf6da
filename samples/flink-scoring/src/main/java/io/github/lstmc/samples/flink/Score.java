package io.github.lstmc.samples.flink;

/**
 * The anomaly score of one event: how far the reading is from what the model forecast for it after
 * reading the key's previous events. A Flink POJO.
 */
public class Score {
    public String sensor;
    /** The scored event's time. */
    public long timestamp;
    /** The reading (the event's first feature). */
    public float value;
    /** The model's forecast of this reading, made at the key's previous event; NaN for a key's first event. */
    public float forecast;
    /** {@code |forecast - value|}; NaN for a key's first event, which has no forecast. */
    public float score;

    public Score() {
    }

    public Score(String sensor, long timestamp, float value, float forecast) {
        this.sensor = sensor;
        this.timestamp = timestamp;
        this.value = value;
        this.forecast = forecast;
        this.score = Math.abs(forecast - value);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s @%d value %+.4f forecast %+.4f score %.4f", sensor, timestamp,
                value, forecast, score);
    }
}
