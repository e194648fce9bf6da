package io.github.lstmc.samples.flink;

import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;
import io.github.lstmc.samples.flink.model.SineForecaster;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Scores each sensor's events in event-time order with the generated forecaster, one model step per
 * event, the model's state per sensor in Flink keyed state ({@link KeyState}).
 *
 * <p><b>Event-time order.</b> An event waits in keyed state until the watermark passes its timestamp;
 * an event-time timer at that timestamp then scores every event pending there. Timers fire in
 * timestamp order per key, so each key's model sees its events sorted by time, however they arrived.
 * An event at or behind the watermark when it arrives is late: it goes to {@link #LATE} unscored,
 * since the key's state has already moved past its time.
 *
 * <p>Everything is checkpointed with the key (pending events, timers, model state, last forecast), so
 * after a failure Flink restores a consistent cut and the scores are exactly those of a run without
 * it. The function keeps one network, one one-row state and one workspace per parallel instance and
 * reuses them for every key; a step allocates only the new state bytes.
 */
public class ModelScoring extends KeyedProcessFunction<String, SensorEvent, Score> {
    /** Events that arrived after the watermark had passed their time. */
    public static final OutputTag<SensorEvent> LATE = new OutputTag<SensorEvent>("late-events") { };

    private transient LstmNetwork network;
    private transient LstmState state;
    private transient LstmWorkspace workspace;
    private transient float[] output;
    private transient KeyState keyed;

    @Override
    public void open(OpenContext context) throws Exception {
        network = new SineForecaster();
        state = network.newState(1);
        workspace = network.newWorkspace(1, 1);
        output = new float[network.outputSize()];
        keyed = new KeyState(getRuntimeContext().getState(KeyState.modelDescriptor()),
                getRuntimeContext().getState(KeyState.forecastDescriptor()),
                getRuntimeContext().getMapState(KeyState.pendingDescriptor()),
                getRuntimeContext().getMetricGroup().counter("modelStatesReset"));
    }

    @Override
    public void processElement(SensorEvent event, Context context, Collector<Score> out) throws Exception {
        if (event.timestamp <= context.timerService().currentWatermark()) {
            context.output(LATE, event);
        } else if (keyed.buffer(event)) {
            context.timerService().registerEventTimeTimer(event.timestamp);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext context, Collector<Score> out) throws Exception {
        List<SensorEvent> events = keyed.take(timestamp);
        keyed.load(state, 0);
        float forecast = keyed.forecast();
        for (SensorEvent event : events) {
            out.collect(new Score(event.sensor, event.timestamp, event.features[0], forecast));
            network.step(event.features, state, workspace, output);
            forecast = output[0];
        }
        keyed.store(state, 0, forecast);
    }
}
