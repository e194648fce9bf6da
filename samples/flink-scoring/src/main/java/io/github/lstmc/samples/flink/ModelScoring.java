package io.github.lstmc.samples.flink;

import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;
import io.github.lstmc.samples.flink.model.SineForecaster;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Scores each sensor's events in event-time order with the generated forecaster, one model step per
 * event, the model's state per sensor in Flink keyed state.
 *
 * <p><b>Event-time order.</b> An event waits in keyed state ({@code pending}, by timestamp) until the
 * watermark passes its timestamp; an event-time timer at that timestamp then scores every event
 * pending there. Timers fire in timestamp order per key, so each key's model sees its events sorted by
 * time, however they arrived (events of one key with equal timestamps keep their arrival order). An
 * event at or behind the watermark when it arrives is late: it goes to {@link #LATE} unscored, since
 * the key's state has already moved past its time.
 *
 * <p><b>State.</b> Per key: the model's state as the bytes of {@link LstmState#toBytes()} in a
 * {@code ValueState<byte[]>}, the last forecast, and the pending events. The bytes carry their own
 * format version and the model's digest, so they need no Flink serializer of their own, and a job
 * restored with another model (a retrained forecaster) finds every old state refused: the key then
 * starts over from the model's initial state (counted in the {@code modelStatesReset} metric) instead of
 * feeding one model's memory into another.
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
    private transient ValueState<byte[]> modelState;
    private transient ValueState<Float> lastForecast;
    private transient MapState<Long, List<SensorEvent>> pending;
    private transient Counter statesReset;

    @Override
    public void open(OpenContext context) {
        network = new SineForecaster();
        state = network.newState(1);
        workspace = network.newWorkspace(1, 1);
        output = new float[network.outputSize()];
        modelState = getRuntimeContext().getState(
                new ValueStateDescriptor<>("model-state", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        lastForecast = getRuntimeContext().getState(new ValueStateDescriptor<>("last-forecast", Types.FLOAT));
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending", Types.LONG,
                Types.LIST(Types.POJO(SensorEvent.class))));
        statesReset = getRuntimeContext().getMetricGroup().counter("modelStatesReset");
    }

    @Override
    public void processElement(SensorEvent event, Context context, Collector<Score> out) throws Exception {
        if (event.timestamp <= context.timerService().currentWatermark()) {
            context.output(LATE, event);
            return;
        }
        List<SensorEvent> at = pending.get(event.timestamp);
        if (at == null) {
            at = new ArrayList<>(1);
            context.timerService().registerEventTimeTimer(event.timestamp);
        }
        at.add(event);
        pending.put(event.timestamp, at);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext context, Collector<Score> out) throws Exception {
        List<SensorEvent> events = pending.get(timestamp);
        pending.remove(timestamp);
        byte[] bytes = modelState.value();
        if (bytes == null) {
            state.reset();
        } else {
            try {
                state.readFrom(bytes);
            } catch (IllegalArgumentException otherModel) {
                statesReset.inc();
                state.reset();
                lastForecast.clear();
            }
        }
        Float forecast = lastForecast.value();
        for (SensorEvent event : events) {
            float value = event.features[0];
            out.collect(new Score(event.sensor, event.timestamp, value, forecast == null ? Float.NaN : forecast));
            network.step(event.features, state, workspace, output);
            forecast = output[0];
        }
        lastForecast.update(forecast);
        modelState.update(state.toBytes());
    }
}
