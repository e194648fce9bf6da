package io.github.lstmc.samples.flink;

import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * A deterministic, realistic test stream: {@code sensors} sensors, each sampling a noisy sine once
 * a second (period 16 to 32 samples, amplitude 0.5 to 1, noise of standard deviation 0.05: what the
 * forecaster was trained on), with a spike of +1.2 on about one step in 100 (the anomalies the scores should
 * flag). Event {@code i} of the stream is sensor {@code i % sensors}'s {@code n = i / sensors}-th
 * emission; within each window of {@link #DISORDER} emissions a sensor's events arrive in reverse
 * time order, so the stream is out of order by up to {@code DISORDER - 1} seconds per sensor.
 */
public final class SensorReadings implements GeneratorFunction<Long, SensorEvent> {
    /** Emissions per window within which a sensor's events arrive in reverse order. */
    public static final int DISORDER = 4;
    /** Time between two samples of one sensor, milliseconds. */
    public static final long PERIOD_MS = 1000;
    /** Event time of step 0: 2026-01-01T00:00:00Z. */
    public static final long START_MS = 1_767_225_600_000L;

    private final int sensors;

    public SensorReadings(int sensors) {
        this.sensors = sensors;
    }

    /** How many events a stream of {@code stepsPerSensor} samples per sensor has. */
    public long count(int stepsPerSensor) {
        return (long) sensors * stepsPerSensor;
    }

    @Override
    public SensorEvent map(Long index) {
        return event(index);
    }

    /** Event {@code index} of the stream (a pure function of it). */
    public SensorEvent event(long index) {
        int sensor = (int) (index % sensors);
        long n = index / sensors;
        long step = n / DISORDER * DISORDER + (DISORDER - 1 - n % DISORDER);
        return new SensorEvent(name(sensor), START_MS + step * PERIOD_MS, new float[] {value(sensor, step)});
    }

    /** The key of sensor {@code s}. */
    public static String name(int sensor) {
        return String.format(java.util.Locale.ROOT, "sensor-%03d", sensor);
    }

    /** Sensor {@code s}'s reading at {@code step}: its sine, noise, and a {@linkplain #spike spike} now and then. */
    static float value(int sensor, long step) {
        java.util.SplittableRandom wave = new java.util.SplittableRandom(sensor * 0x9E3779B97F4A7C15L);
        double period = 16 + 16 * wave.nextDouble();
        double phase = 2 * Math.PI * wave.nextDouble();
        double amplitude = 0.5 + 0.5 * wave.nextDouble();
        double noise = 0.05 * gaussian(new java.util.SplittableRandom(seed(sensor, step)));
        return (float) (amplitude * Math.sin(2 * Math.PI * step / period + phase) + noise + (spike(sensor, step) ? 1.2 : 0));
    }

    /** True on about one step in 100 of each sensor: the reading is 1.2 above the signal (an anomaly). */
    static boolean spike(int sensor, long step) {
        return new java.util.SplittableRandom(~seed(sensor, step)).nextInt(100) == 0;
    }

    private static long seed(int sensor, long step) {
        return sensor * 0x9E3779B97F4A7C15L ^ step * 0xBF58476D1CE4E5B9L;
    }

    /** A standard normal draw (Box-Muller), deterministic for the generator's seed. */
    private static double gaussian(java.util.SplittableRandom rnd) {
        double u = 1 - rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }
}
