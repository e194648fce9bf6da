package io.github.lstmc.samples.flink;

import io.github.lstmc.runtime.LstmState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;

/**
 * What the job keeps per sensor in Flink keyed state, shared by {@link ModelScoring} (one step per
 * event) and {@link BatchedScoring} (many keys per step). Every call acts on the current key.
 *
 * <ul>
 *   <li>{@code model-state}: the model's state, the bytes of {@link LstmState#toBytes(int)} in a
 *       {@code ValueState<byte[]>}. The bytes carry their own format version and the model's digest, so
 *       they need no Flink serializer of their own; a job restored with another model (a retrained
 *       forecaster) finds the old states refused and starts those keys over from the model's initial
 *       state ({@code modelStatesReset} metric) instead of feeding one model's memory into another.</li>
 *   <li>{@code last-forecast}: the forecast made at the key's previous event, which the next one is scored
 *       against.</li>
 *   <li>{@code pending}: events waiting for the watermark, by timestamp (ties in arrival order).</li>
 * </ul>
 */
final class KeyState {
    final ValueState<byte[]> model;
    final ValueState<Float> lastForecast;
    final MapState<Long, List<SensorEvent>> pending;
    private final Counter statesReset;

    KeyState(ValueState<byte[]> model, ValueState<Float> lastForecast, MapState<Long, List<SensorEvent>> pending,
             Counter statesReset) {
        this.model = model;
        this.lastForecast = lastForecast;
        this.pending = pending;
        this.statesReset = statesReset;
    }

    static ValueStateDescriptor<byte[]> modelDescriptor() {
        return new ValueStateDescriptor<>("model-state", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    }

    static ValueStateDescriptor<Float> forecastDescriptor() {
        return new ValueStateDescriptor<>("last-forecast", Types.FLOAT);
    }

    static MapStateDescriptor<Long, List<SensorEvent>> pendingDescriptor() {
        return new MapStateDescriptor<>("pending", Types.LONG, Types.LIST(Types.POJO(SensorEvent.class)));
    }

    /** Buffers {@code event}; true when it is the first at its timestamp (a timer must be registered). */
    boolean buffer(SensorEvent event) throws Exception {
        List<SensorEvent> at = pending.get(event.timestamp);
        boolean first = at == null;
        if (first) {
            at = new ArrayList<>(1);
        }
        at.add(event);
        pending.put(event.timestamp, at);
        return first;
    }

    /** Removes and returns the events pending at {@code timestamp}. */
    List<SensorEvent> take(long timestamp) throws Exception {
        List<SensorEvent> events = pending.get(timestamp);
        pending.remove(timestamp);
        return events;
    }

    /** Reads the key's model state into row {@code row} (its initial state for a new key or another model's bytes). */
    void load(LstmState state, int row) throws IOException {
        byte[] bytes = model.value();
        if (bytes == null) {
            state.reset(row);
            return;
        }
        try {
            state.readFrom(bytes, row);
        } catch (IllegalArgumentException otherModel) {
            statesReset.inc();
            state.reset(row);
            lastForecast.clear();
        }
    }

    /** The forecast for the key's next event, NaN for a new key. */
    float forecast() throws IOException {
        Float last = lastForecast.value();
        return last == null ? Float.NaN : last;
    }

    /** Stores row {@code row} of {@code state} and the forecast for the key's next event. */
    void store(LstmState state, int row, float forecast) throws IOException {
        model.update(state.toBytes(row));
        lastForecast.update(forecast);
    }
}
