package io.github.lstmc.samples.flink;

import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;
import io.github.lstmc.samples.flink.model.SineForecaster;
import java.util.List;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * {@link ModelScoring} with micro-batching: the events a watermark releases are scored up to
 * {@link #BATCH} keys per model call. A {@code KeyedProcessFunction} sees one key at a time, so this
 * is an operator: its event-time timers only gather (key, timestamp) pairs; when {@code BATCH} keys
 * are gathered, a key comes round a second time, or the watermark's timers are all done, it reads each
 * key's state into a row of one batch state ({@code setCurrentKey}, then {@link LstmState#readFrom(byte[],
 * int)}), advances every row in one call ({@code forward} over one step), and writes the rows back.
 * The batch is always scored before the watermark goes on, so no checkpoint ever sees it half done
 * and outputs are never late. Same keyed state, same scores, bit for bit, as {@link ModelScoring}.
 */
public class BatchedScoring extends AbstractStreamOperator<Score>
        implements OneInputStreamOperator<SensorEvent, Score>, Triggerable<String, VoidNamespace> {
    /** Keys per model call. */
    public static final int BATCH = 64;

    private transient LstmNetwork network;
    private transient LstmState batch;
    private transient LstmWorkspace workspace;
    private transient LstmState one;
    private transient LstmWorkspace oneWorkspace;
    private transient float[] input;
    private transient float[] forecastsOut;
    private transient KeyState keyed;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient String[] keys;
    private transient long[] times;
    private transient List<SensorEvent>[] events;
    private transient float[] forecasts;
    private transient float[] single;
    private transient int gathered;
    private transient StreamRecord<Score> record;

    @Override
    public void open() throws Exception {
        super.open();
        network = new SineForecaster();
        batch = network.newState(BATCH);
        workspace = network.newWorkspace(BATCH, 1);
        one = network.newState(1);
        oneWorkspace = network.newWorkspace(1, 1);
        input = new float[BATCH * network.inputSize()];
        forecastsOut = new float[BATCH * network.outputSize()];
        keyed = new KeyState(getPartitionedState(KeyState.modelDescriptor()),
                getPartitionedState(KeyState.forecastDescriptor()), getPartitionedState(KeyState.pendingDescriptor()),
                getMetricGroup().counter("modelStatesReset"));
        timers = getInternalTimerService("scoring", VoidNamespaceSerializer.INSTANCE, this);
        keys = new String[BATCH];
        times = new long[BATCH];
        @SuppressWarnings("unchecked")
        List<SensorEvent>[] lists = new List[BATCH];
        events = lists;
        forecasts = new float[BATCH];
        single = new float[network.outputSize()];
        record = new StreamRecord<>(null);
    }

    @Override
    public void processElement(StreamRecord<SensorEvent> element) throws Exception {
        SensorEvent event = element.getValue();
        if (event.timestamp <= timers.currentWatermark()) {
            output.collect(ModelScoring.LATE, element);
        } else if (keyed.buffer(event)) {
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, event.timestamp);
        }
    }

    /** Called by the timer service during {@link #processWatermark}, one due timer at a time, in order per key. */
    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        for (int r = 0; r < gathered; r++) {
            if (keys[r].equals(timer.getKey())) {
                score(); // the key's earlier timestamp must be scored first
                break;
            }
        }
        keys[gathered] = timer.getKey();
        times[gathered++] = timer.getTimestamp();
        if (gathered == BATCH) {
            score();
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
        throw new IllegalStateException("no processing-time timers are registered");
    }

    /** Fires the due timers (which gather), scores what they gathered, and only then forwards the watermark. */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (getTimeServiceManager().isPresent()) {
            getTimeServiceManager().get().advanceWatermark(mark);
        }
        score();
        output.emitWatermark(mark);
    }

    /** Gather, one call for every gathered key's first event, scatter; a key's further events at the same time one by one. */
    private void score() throws Exception {
        int n = gathered;
        if (n == 0) {
            return;
        }
        gathered = 0;
        int in = network.inputSize();
        for (int r = 0; r < n; r++) {
            setCurrentKey(keys[r]);
            events[r] = keyed.take(times[r]);
            keyed.load(batch, r);
            forecasts[r] = keyed.forecast();
            System.arraycopy(events[r].get(0).features, 0, input, r * in, in);
        }
        network.forward(input, n, 1, null, batch, workspace, forecastsOut);
        for (int r = 0; r < n; r++) {
            setCurrentKey(keys[r]);
            SensorEvent first = events[r].get(0);
            emit(first, forecasts[r]);
            float forecast = forecastsOut[r * network.outputSize()];
            if (events[r].size() > 1) {
                batch.copyRow(r, one, 0);
                for (SensorEvent event : events[r].subList(1, events[r].size())) {
                    emit(event, forecast);
                    network.step(event.features, one, oneWorkspace, single);
                    forecast = single[0];
                }
                one.copyRow(0, batch, r);
            }
            keyed.store(batch, r, forecast);
        }
    }

    private void emit(SensorEvent event, float forecast) {
        output.collect(record.replace(new Score(event.sensor, event.timestamp, event.features[0], forecast),
                event.timestamp));
    }
}
