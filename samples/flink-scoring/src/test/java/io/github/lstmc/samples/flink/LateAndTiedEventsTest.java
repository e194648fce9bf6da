package io.github.lstmc.samples.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.samples.flink.model.SineForecaster;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One sensor's readings at 1..8 s, then a second reading at 5 s (a tie, not yet released by the
 * watermark), then one at 2 s after the watermark has passed 3 s (late). The watermark follows each
 * event (4 s behind the largest timestamp), so what is late is deterministic. Both scoring operators
 * score the tie after the first 5 s reading (arrival order), exactly as the class does directly, and
 * send the late reading to the side output unscored.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LateAndTiedEventsTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    @ParameterizedTest(name = "batched {0}")
    @ValueSource(booleans = {false, true})
    void tiesAreScoredInArrivalOrderAndLateEventsGoToTheSideOutput(boolean batched) throws Exception {
        List<SensorEvent> events = new ArrayList<>();
        for (int t = 1; t <= 8; t++) {
            events.add(new SensorEvent("a", t * 1000L, new float[] {(float) Math.sin(t / 3.0)}));
        }
        events.add(new SensorEvent("a", 5000, new float[] {0.25f}));
        events.add(new SensorEvent("a", 2000, new float[] {-0.5f}));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        DataStream<SensorEvent> readings = env.fromData(events, TypeInformation.of(SensorEvent.class))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<SensorEvent>forGenerator(context -> new EveryEvent())
                        .withTimestampAssigner((event, previous) -> event.timestamp));
        SingleOutputStreamOperator<Score> scores = ScoringJob.scores(readings, batched);
        DataStream<String> late = scores.getSideOutput(ModelScoring.LATE).map(e -> "late " + e).returns(Types.STRING);
        List<String> results = new ArrayList<>();
        try (CloseableIterator<String> it = scores.map(DirectScores::line).returns(Types.STRING).union(late)
                .executeAndCollect()) {
            it.forEachRemaining(results::add);
        }

        List<String> expected = new ArrayList<>();
        List<SensorEvent> inTimeOrder = new ArrayList<>(events.subList(0, 5)); // 1..5 s
        inTimeOrder.add(events.get(8)); // the tie at 5 s, after the first one
        inTimeOrder.addAll(events.subList(5, 8)); // 6..8 s
        LstmNetwork net = new SineForecaster();
        LstmState state = net.newState(1);
        float[] out = new float[1];
        float forecast = Float.NaN;
        for (SensorEvent e : inTimeOrder) {
            expected.add(DirectScores.line(new Score(e.sensor, e.timestamp, e.features[0], forecast)));
            net.step(e.features, state, net.newWorkspace(1, 1), out);
            forecast = out[0];
        }
        expected.add("late " + events.get(9));
        results.sort(null);
        expected.sort(null);
        assertEquals(expected, results);
    }

    /** A watermark 4 s (minus 1 ms) behind the largest timestamp, after every event. */
    static final class EveryEvent implements WatermarkGenerator<SensorEvent> {
        private long max = Long.MIN_VALUE + 4000;

        @Override
        public void onEvent(SensorEvent event, long timestamp, WatermarkOutput output) {
            max = Math.max(max, timestamp);
            output.emitWatermark(new Watermark(max - 4000 - 1));
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
        }
    }
}
