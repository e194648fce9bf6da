package io.github.lstmc.samples.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scoring job on a Flink MiniCluster (one TaskManager, two slots) that the test starts: its
 * scores are bit for bit those of the generated class called directly, key by key, at parallelism 1
 * and 2, one key per model call or many ({@link BatchedScoring}), and with a failure injected mid-stream after a completed checkpoint, every event is scored
 * exactly once with the same scores.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ScoringJobTest {
    private static final int SENSORS = 6;
    private static final int STEPS = 160;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @ParameterizedTest(name = "batched {0}")
    @ValueSource(booleans = {false, true})
    void scoresEqualTheGeneratedClassKeyByKeyAtParallelismOneAndTwo(boolean batched) throws Exception {
        String expected = DirectScores.text(DirectScores.of(SENSORS, STEPS));
        List<String> runs = new ArrayList<>();
        for (int parallelism = 1; parallelism <= 2; parallelism++) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(parallelism);
            List<Score> scores = collect(ScoringJob.scores(ScoringJob.readings(env, SENSORS, STEPS, 0), batched));
            assertEquals(SENSORS * STEPS, scores.size(), "parallelism " + parallelism);
            runs.add(DirectScores.text(DirectScores.bySensor(scores)));
            assertEquals(expected, runs.get(runs.size() - 1), "parallelism " + parallelism);
        }
        assertEquals(runs.get(0), runs.get(1));
        // the scores flag the spikes: each scores above 0.7, while the median other score is below 0.1
        List<Float> spikes = new ArrayList<>();
        List<Float> others = new ArrayList<>();
        DirectScores.of(SENSORS, STEPS).forEach((sensor, list) -> {
            int s = Integer.parseInt(sensor.substring("sensor-".length()));
            for (int t = 8; t < list.size(); t++) { // the first steps cannot know the phase yet
                (SensorReadings.spike(s, t) ? spikes : SensorReadings.spike(s, t - 1) ? new ArrayList<Float>() : others)
                        .add(list.get(t).score);
            }
        });
        assertTrue(spikes.size() >= 3, "spikes " + spikes);
        spikes.forEach(score -> assertTrue(score > 0.7f, "spike scored " + score));
        others.sort(null);
        assertTrue(others.get(others.size() / 2) < 0.1f, "median score " + others.get(others.size() / 2));
    }

    /**
     * Checkpoints every 50 ms; the source emits at most 100 events per subtask between completed
     * checkpoints, so the stream cannot end before checkpoints complete. A map after the scoring throws
     * once, on the first event it sees after a checkpoint completed (its own notification, a condition,
     * not a sleep) and after 150 events overall. Flink restarts from that checkpoint: scoring state,
     * pending events and timers come back, the source rewinds, and the collect sink (exactly once with
     * checkpointing) drops what the failed attempt emitted after the checkpoint.
     */
    @ParameterizedTest(name = "batched {0}")
    @ValueSource(booleans = {false, true})
    void exactlyOnceAcrossAFailure(boolean batched) throws Exception {
        FailOnce.reset();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(50);
        Configuration restart = new Configuration();
        restart.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        restart.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        restart.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(10));
        env.configure(restart);
        List<Score> scores = collect(ScoringJob.scores(ScoringJob.readings(env, SENSORS, STEPS, 100), batched)
                .map(new FailOnce()).name("fail once"));

        assertTrue(FailOnce.FAILED.get(), "the failure was never injected");
        assertTrue(FailOnce.CHECKPOINT_AT_FAILURE.get() > 0, "failed before a checkpoint completed");
        Set<String> seen = new HashSet<>();
        for (Score s : scores) {
            assertTrue(seen.add(s.sensor + "@" + s.timestamp), "scored twice: " + s);
        }
        assertEquals(SENSORS * STEPS, scores.size(), "events lost");
        Map<String, List<Score>> expected = DirectScores.of(SENSORS, STEPS);
        assertEquals(DirectScores.text(expected), DirectScores.text(DirectScores.bySensor(scores)));
    }

    private static List<Score> collect(DataStream<Score> scores) throws Exception {
        List<Score> all = new ArrayList<>();
        try (CloseableIterator<Score> it = scores.executeAndCollect("scoring test")) {
            it.forEachRemaining(all::add);
        }
        return all;
    }

    /** Passes scores through; throws once, after a checkpoint completed and 150 scores passed. */
    static final class FailOnce implements MapFunction<Score, Score>, CheckpointListener {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicLong CHECKPOINT_AT_FAILURE = new AtomicLong();
        static final AtomicInteger PASSED = new AtomicInteger();
        private long completed;

        static void reset() {
            FAILED.set(false);
            CHECKPOINT_AT_FAILURE.set(0);
            PASSED.set(0);
        }

        @Override
        public Score map(Score score) {
            if (completed > 0 && PASSED.incrementAndGet() > 150 && FAILED.compareAndSet(false, true)) {
                CHECKPOINT_AT_FAILURE.set(completed);
                throw new IllegalStateException("injected failure after checkpoint " + completed);
            }
            return score;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            completed = checkpointId;
        }
    }
}
