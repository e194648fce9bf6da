package io.github.lstmc.samples.flink;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The scoring job: sensor readings, keyed by sensor, scored in event-time order by the generated
 * forecaster ({@link ModelScoring}), printed.
 *
 * <pre>flink run -c io.github.lstmc.samples.flink.ScoringJob flink-scoring-*-job.jar [sensors [steps [batched]]]</pre>
 *
 * <p>The source is {@link SensorReadings}, a deterministic synthetic stream; in production it would
 * be a Kafka (or other) source with the same watermark strategy.
 */
public final class ScoringJob {
    /** How far out of order events may arrive: the watermark trails the largest timestamp by this much. */
    public static final Duration OUT_OF_ORDERNESS = Duration.ofMillis(SensorReadings.DISORDER * SensorReadings.PERIOD_MS);

    private ScoringJob() {
    }

    /**
     * The readings of {@code sensors} sensors, {@code steps} each, with event-time watermarks.
     *
     * @param perCheckpoint if positive, the source emits at most this many events between two completed
     *                      checkpoints (per source subtask), so a stream cannot end before checkpoints
     *                      complete; 0 for no limit
     */
    public static DataStream<SensorEvent> readings(StreamExecutionEnvironment env, int sensors, int steps,
                                                   int perCheckpoint) {
        SensorReadings readings = new SensorReadings(sensors);
        DataGeneratorSource<SensorEvent> source = new DataGeneratorSource<>(readings, readings.count(steps),
                perCheckpoint > 0 ? RateLimiterStrategy.perCheckpoint(perCheckpoint) : RateLimiterStrategy.noOp(),
                TypeInformation.of(SensorEvent.class));
        WatermarkStrategy<SensorEvent> watermarks = WatermarkStrategy
                .<SensorEvent>forBoundedOutOfOrderness(OUT_OF_ORDERNESS)
                .withTimestampAssigner((event, previous) -> event.timestamp);
        return env.fromSource(source, watermarks, "sensor readings");
    }

    /**
     * The scores of {@code readings}, one per event that is not late (late events: the side output
     * {@link ModelScoring#LATE}): one model call per event
     * ({@link ModelScoring}), or up to {@link BatchedScoring#BATCH} keys per call ({@link BatchedScoring}).
     */
    public static SingleOutputStreamOperator<Score> scores(DataStream<SensorEvent> readings, boolean batched) {
        KeyedStream<SensorEvent, String> bySensor = readings.keyBy(event -> event.sensor);
        return batched
                ? bySensor.transform("lstm scoring, batched", TypeInformation.of(Score.class), new BatchedScoring())
                : bySensor.process(new ModelScoring()).name("lstm scoring");
    }

    public static void main(String[] args) throws Exception {
        int sensors = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        boolean batched = args.length > 2 && args[2].equals("batched");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(10_000);
        scores(readings(env, sensors, steps, 0), batched).filter(s -> s.score > 0.5f).name("anomalies").print();
        env.execute("lstmc per-sensor scoring");
    }
}
