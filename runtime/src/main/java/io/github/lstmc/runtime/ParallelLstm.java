package io.github.lstmc.runtime;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs another network's batch on several cores: the batch rows of one call are split into up to
 * {@link #parallelism()} contiguous, balanced row ranges, and each range runs the wrapped network's
 * own flat {@code forward} (or {@code step}) as a sub-batch, in parallel. Rows of an LSTM never
 * interact, so outputs and final states are bit for bit what the wrapped network computes for the
 * whole batch, in either {@link Layout}, with or without per-row lengths.
 *
 * <pre>{@code
 * try (ParallelLstm net = ParallelLstm.of(generated, 2)) {     // the caller + 1 daemon thread
 *     LstmState state = net.newState(16);
 *     LstmWorkspace ws = net.newWorkspace(16, 100);             // holds the per-part scratch
 *     net.forward(input, 16, 100, null, state, ws, output);
 * }
 * }</pre>
 *
 * <p><b>What gets faster.</b> Only batches: a call with {@code B} rows uses at most {@code min(B,
 * parallelism)} parts, and no more than its work allows: each part must have at least
 * {@link #minimumPartWork()} multiply-adds (estimated as {@code rows * steps *} the network's
 * multiply-adds per row and step, {@code 4H(I+S)} summed over layers and directions). A batch of 1,
 * or a call too small to split (such as one {@code step} of a small batch), runs on the calling
 * thread exactly as the wrapped network would (no copy, no hand-off). The calling thread always
 * computes a part itself and waits for the others. A split call pays a hand-off to the workers
 * (tens of microseconds) and, except for the first part of a batch-first call, a copy of each
 * part's rows of input, output and state into and out of per-part buffers.
 *
 * <p><b>Threads.</b> {@link #of(LstmNetwork, int)} owns {@code parallelism - 1} daemon threads,
 * stopped by {@link #close()}; they also end after a minute without work (the next call starts
 * them again), so an instance dropped without {@code close()} leaves no threads behind.
 * {@link #of(LstmNetwork, int, Executor)} uses the caller's executor and never shuts it down.
 * Either way a part that no worker has started when the caller is free is computed by the caller,
 * so a busy, saturated or rejecting executor, or a call made from one of the executor's own
 * threads, makes a call slower, never stuck.
 *
 * <p><b>Memory.</b> {@link #newWorkspace(int, int)} preallocates all scratch: the wrapped network's
 * workspace for the whole batch (used by calls that run inline and by the first part), and for each
 * further part the wrapped network's workspace and state for its rows and input and output buffers
 * (together about the size of one call's input and output). The flat {@code forward} and {@code step} allocate
 * nothing themselves while the batch size stays the same (a changed batch may reallocate a part's
 * small {@code lengths} array and, for {@code step}, its state); only the executor's hand-off
 * machinery may allocate a little per call.
 *
 * <p><b>Sharing.</b> Like every {@link LstmNetwork}, one instance serves any number of threads at
 * once, each with its own state and workspace. A workspace must come from this instance's
 * {@link #newWorkspace(int, int)}. Argument checks and their messages are those of every network.
 * An exception or error thrown while computing a part is rethrown to the caller (as is, once every
 * other part has finished); the state and output are then undefined, the workspace stays usable.
 */
public final class ParallelLstm extends AbstractLstmNetwork implements AutoCloseable {
    private static final AtomicInteger POOLS = new AtomicInteger();
    /** How long an owned worker thread waits for work before it ends (the next call restarts it). */
    private static final long IDLE_SECONDS = 60;
    /**
     * The default {@link #minimumPartWork()}: about 40 microseconds of one core's work on the
     * development machine, where a hand-off to a parked worker and back costs some 20 to 40.
     */
    public static final long DEFAULT_MINIMUM_PART_WORK = 1 << 19;

    private final LstmNetwork network;
    private final int parallelism;
    /** Runs the parts after the first; null when {@code parallelism == 1}. */
    private final Executor executor;
    /** The executor when this instance made it (and so shuts it down), else null. */
    private final ExecutorService owned;
    private final long minimumPartWork;
    /** Estimated multiply-adds per batch row and time step. */
    private final long workPerRowStep;
    /** True when the wrapped network has constant per-row lengths: its calls take the whole batch. */
    private final boolean unsplit;
    private volatile boolean closed;

    private ParallelLstm(LstmNetwork network, int parallelism, long minimumPartWork, Executor executor,
                         ExecutorService owned) {
        // the wrapped network's constant lengths: its calls are checked here, and run unsplit (a part's
        // rows would not be the rows the lengths were compiled for)
        super(network instanceof AbstractLstmNetwork ? ((AbstractLstmNetwork) network).fixed() : null);
        if (network == null) {
            throw new IllegalArgumentException("network must not be null");
        }
        if (parallelism < 1 || parallelism > 0xFFFF) {
            throw new IllegalArgumentException("parallelism must be in 1..65535, got " + parallelism);
        }
        if (minimumPartWork < 0) {
            throw new IllegalArgumentException("minimumPartWork must be at least 0, got " + minimumPartWork);
        }
        this.network = network;
        this.parallelism = parallelism;
        this.minimumPartWork = minimumPartWork;
        this.executor = parallelism == 1 ? null : executor;
        this.owned = owned;
        this.unsplit = fixed() != null;
        long work = 0;
        int in = network.inputSize();
        for (int layer = 0; layer < network.layerCount(); layer++) {
            int state = network.stateSize(layer);
            // An LSTM's four gate blocks; a GRU's three and an RNN's one only make this estimate conservative.
            work += 4L * network.directionCount() * network.hiddenSize(layer) * (in + state);
            in = network.directionCount() * state;
        }
        this.workPerRowStep = work;
    }

    /**
     * Wraps {@code network} with its own {@code threads - 1} daemon worker threads (named
     * {@code lstmc-parallel-<pool>-<n>}, started now); the calling thread is the other one. Call
     * {@link #close()} to stop them.
     *
     * @param threads parts per call at most, 1..65535 (1: no threads, every call runs inline)
     */
    public static ParallelLstm of(LstmNetwork network, int threads) {
        return of(network, threads, DEFAULT_MINIMUM_PART_WORK);
    }

    /**
     * {@link #of(LstmNetwork, int)} with a given {@link #minimumPartWork()}.
     *
     * @param minimumPartWork multiply-adds a part must have at least; 0 splits every batch of 2 or more
     */
    public static ParallelLstm of(LstmNetwork network, int threads, long minimumPartWork) {
        if (threads < 1 || threads > 0xFFFF) {
            throw new IllegalArgumentException("threads must be in 1..65535, got " + threads);
        }
        if (threads == 1) {
            return new ParallelLstm(network, 1, minimumPartWork, null, null);
        }
        // Discarding a task on a full queue is safe: the caller computes every part nobody claimed.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads - 1, threads - 1, IDLE_SECONDS, TimeUnit.SECONDS,
                new ArrayBlockingQueue<Runnable>(64 * threads),
                new Daemons("lstmc-parallel-" + POOLS.incrementAndGet() + "-"),
                new ThreadPoolExecutor.DiscardPolicy());
        // Idle workers end, and the next call starts them again: an instance dropped without close()
        // leaves no threads behind for long.
        pool.allowCoreThreadTimeOut(true);
        try {
            ParallelLstm parallel = new ParallelLstm(network, threads, minimumPartWork, pool, pool);
            pool.prestartAllCoreThreads();
            return parallel;
        } catch (RuntimeException e) {
            pool.shutdown();
            throw e;
        }
    }

    /**
     * Wraps {@code network}, running parts on {@code executor} (for instance a server's shared pool).
     * This instance never shuts the executor down; {@link #close()} only stops its own use.
     *
     * @param parallelism parts per call at most, 1..65535; with {@code k} executor threads free,
     *                    {@code k + 1} parts run at once (the caller computes one)
     */
    public static ParallelLstm of(LstmNetwork network, int parallelism, Executor executor) {
        return of(network, parallelism, executor, DEFAULT_MINIMUM_PART_WORK);
    }

    /**
     * {@link #of(LstmNetwork, int, Executor)} with a given {@link #minimumPartWork()}.
     *
     * @param minimumPartWork multiply-adds a part must have at least; 0 splits every batch of 2 or more
     */
    public static ParallelLstm of(LstmNetwork network, int parallelism, Executor executor, long minimumPartWork) {
        if (executor == null) {
            throw new IllegalArgumentException("executor must not be null");
        }
        return new ParallelLstm(network, parallelism, minimumPartWork, executor, null);
    }

    /** The network that computes each part. */
    public LstmNetwork network() {
        return network;
    }

    /** Multiply-adds a part must have at least: smaller calls are split into fewer parts, or none. */
    public long minimumPartWork() {
        return minimumPartWork;
    }

    /** The largest number of parts a call is split into. */
    public int parallelism() {
        return parallelism;
    }

    /**
     * Stops using the executor; later calls of {@code forward} and {@code step} throw
     * {@link IllegalStateException}. Shuts down the threads of {@link #of(LstmNetwork, int)}
     * (calls in progress still complete); leaves a caller-supplied executor alone. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        if (owned != null) {
            owned.shutdown();
        }
    }

    @Override
    public int inputSize() {
        return network.inputSize();
    }

    @Override
    public int outputSize() {
        return network.outputSize();
    }

    @Override
    public int layerCount() {
        return network.layerCount();
    }

    @Override
    public int directionCount() {
        return network.directionCount();
    }

    @Override
    public int hiddenSize(int layer) {
        return network.hiddenSize(layer);
    }

    @Override
    public int cellSize(int layer) {
        return network.cellSize(layer);
    }

    @Override
    public int stateSize(int layer) {
        return network.stateSize(layer);
    }

    @Override
    public Layout layout() {
        return network.layout();
    }

    @Override
    public boolean isStreamable() {
        return network.isStreamable();
    }

    @Override
    public int vocabularySize() {
        return network.vocabularySize();
    }

    @Override
    public boolean reducesTime() {
        return network.reducesTime();
    }

    /** The wrapped network's table: {@code stepTokens} embeds here, then splits the embedded rows. */
    @Override
    protected float[][] embeddingTable() {
        return network instanceof AbstractLstmNetwork ? ((AbstractLstmNetwork) network).embeddingTable() : null;
    }

    @Override
    public LstmState newState(int batch) {
        return network.newState(batch);
    }

    @Override
    public String modelDigest() {
        return network.modelDigest();
    }

    /** A workspace holding the scratch of up to {@code min(batch, parallelism)} parts (see the class comment). */
    @Override
    public LstmWorkspace newWorkspace(int batch, int maxSequenceLength) {
        LstmWorkspace workspace = super.newWorkspace(batch, maxSequenceLength);
        workspace.extension = new Job(this, batch, maxSequenceLength);
        return workspace;
    }

    /** All scratch is in the workspace's {@link Job}. */
    @Override
    protected int[] workspaceSizes(int batch, int maxSequenceLength) {
        return new int[0];
    }

    @Override
    protected void forwardChecked(float[] input, int batch, int sequenceLength, int[] lengths,
                                  LstmState state, LstmWorkspace workspace, float[] output) {
        job(workspace).forward(false, input, null, batch, sequenceLength, lengths, state, output);
    }

    /** Token calls split the ids: each part runs the wrapped network's own token path (a folded embedding too). */
    @Override
    protected void forwardTokensChecked(int[] tokens, int batch, int sequenceLength, int[] lengths,
                                        LstmState state, LstmWorkspace workspace, float[] output) {
        job(workspace).forward(false, null, tokens, batch, sequenceLength, lengths, state, output);
    }

    @Override
    protected void stepChecked(float[] input, LstmState state, LstmWorkspace workspace, float[] output) {
        job(workspace).forward(true, input, null, state.batch(), 1, null, state, output);
    }

    private Job job(LstmWorkspace workspace) {
        if (closed) {
            throw new IllegalStateException("this ParallelLstm is closed");
        }
        if (workspace.owner != this) {
            throw new IllegalArgumentException("workspace must be made by this ParallelLstm's newWorkspace");
        }
        return (Job) workspace.extension;
    }

    /**
     * A workspace's scratch and its current call. A call publishes its arguments, then sets
     * {@link #claims}; the caller and the workers each claim the next unclaimed part with a
     * compare-and-set until none is left, and the caller waits until every part is done. A worker
     * task that starts after its call ended finds nothing to claim (or helps the next call on the
     * same workspace, which is just as correct), so no task ever needs cancelling.
     */
    private static final class Job implements Runnable {
        private final ParallelLstm owner;
        private final Part[] parts;
        /** Rows each part's scratch serves (the first part's workspace serves the whole batch: calls run inline). */
        private final int partRows;
        /** {@code (parts of the current call << 16) | next unclaimed part}. */
        private final AtomicInteger claims = new AtomicInteger();
        /** Guarded by this: parts finished, and the first failure, of the current call. */
        private int done;
        private Throwable failure;
        // The current call (plain fields, published by the volatile write of claims).
        private boolean step;
        private float[] input;
        private float[] output;
        private int batch;
        private int steps;
        private int[] lengths;
        private int[] tokens;
        private LstmState state;

        Job(ParallelLstm owner, int batch, int maxSequenceLength) {
            this.owner = owner;
            LstmNetwork net = owner.network;
            int count = Math.min(owner.parallelism, batch);
            int rows = (batch + count - 1) / count;
            this.partRows = rows;
            boolean batchFirst = net.layout() == Layout.BATCH_FIRST;
            this.parts = new Part[count];
            for (int p = 0; p < count; p++) {
                // The first part of a batch-first call works in the caller's own arrays.
                boolean buffers = p > 0 || !batchFirst;
                long cells = (long) rows * maxSequenceLength;
                parts[p] = new Part(net.newWorkspace(p == 0 ? batch : rows, maxSequenceLength),
                        p == 0 ? null : net.newState(rows),
                        buffers ? new float[Sizes.toInt(cells * net.inputSize())] : null,
                        buffers ? new float[Sizes.toInt(cells * net.outputSize())] : null);
            }
        }

        /** {@code tokens}: null for float input, else ids in place of {@code input}. */
        void forward(boolean step, float[] input, int[] tokens, int batch, int steps, int[] lengths, LstmState state,
                     float[] output) {
            int count = Math.min(parts.length, batch);
            // double: batch * steps * work may exceed a long
            double work = (double) batch * steps * owner.workPerRowStep;
            if (work < (double) count * owner.minimumPartWork) {
                int affordable = (int) Math.max(1, work / owner.minimumPartWork);
                // Parts have scratch for partRows rows: fewer, larger parts would not fit (one part runs inline).
                count = affordable == 1 ? 1 : Math.max(affordable, (batch + partRows - 1) / partRows);
            }
            LstmNetwork net = owner.network;
            if (count == 1 || owner.unsplit) {
                if (step) {
                    net.step(input, state, parts[0].workspace, output);
                } else if (tokens != null) {
                    net.forwardTokens(tokens, batch, steps, lengths, state, parts[0].workspace, output);
                } else {
                    net.forward(input, batch, steps, lengths, state, parts[0].workspace, output);
                }
                return;
            }
            this.step = step;
            this.input = input;
            this.output = output;
            this.batch = batch;
            this.steps = steps;
            this.lengths = lengths;
            this.tokens = tokens;
            this.state = state;
            synchronized (this) {
                done = 0;
                failure = null;
            }
            claims.set(count << 16);
            for (int p = 1; p < count; p++) {
                try {
                    owner.executor.execute(this);
                } catch (RejectedExecutionException e) {
                    break; // the caller computes the parts itself
                }
            }
            work();
            boolean interrupted = false;
            Throwable thrown;
            synchronized (this) {
                // Uninterruptible: until every part is done, workers still write the caller's arrays.
                while (done < count) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                thrown = failure;
                failure = null;
            }
            this.input = null; // keep no reference to the caller's arrays between calls
            this.output = null;
            this.lengths = null;
            this.tokens = null;
            this.state = null;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (thrown instanceof RuntimeException) {
                throw (RuntimeException) thrown;
            }
            if (thrown instanceof Error) {
                throw (Error) thrown;
            }
            if (thrown != null) {
                throw new IllegalStateException(thrown); // a checked exception thrown sneakily
            }
        }

        /** A worker's task: compute parts of the current call while any is unclaimed. */
        @Override
        public void run() {
            work();
        }

        private void work() {
            for (;;) {
                int claim = claims.get();
                int count = claim >>> 16;
                int part = claim & 0xFFFF;
                if (part >= count) {
                    return;
                }
                if (!claims.compareAndSet(claim, claim + 1)) {
                    continue;
                }
                Throwable thrown = null;
                try {
                    compute(part, count);
                } catch (Throwable t) {
                    thrown = t;
                }
                synchronized (this) {
                    if (failure == null) {
                        failure = thrown;
                    }
                    if (++done == count) {
                        notifyAll();
                    }
                }
            }
        }

        /** Computes rows {@code [p*B/n, (p+1)*B/n)} of the current call. */
        private void compute(int p, int count) {
            LstmNetwork net = owner.network;
            Part part = parts[p];
            int first = (int) ((long) p * batch / count);
            int rows = (int) ((long) (p + 1) * batch / count) - first;
            // step's [B][I] and [B][O] are batch-first in either layout.
            boolean batchFirst = step || net.layout() == Layout.BATCH_FIRST;
            boolean inPlace = first == 0 && (batchFirst || rows == batch);
            // forward may use the first rows of a larger state; step runs every row of its state.
            boolean ownState = first == 0 && (!step || rows == batch);
            LstmState s = state;
            if (!ownState) {
                s = part.state(net, rows, step);
                copyState(net, state, s, first, rows, true);
            }
            float[] in = input;
            int[] ids = tokens;
            float[] out = output;
            if (!inPlace) {
                out = part.output;
                if (ids != null) {
                    ids = part.tokens(rows * steps);
                    slice(tokens, ids, batch, first, rows, steps, 1, batchFirst, true);
                } else {
                    in = part.input;
                    slice(input, in, batch, first, rows, steps, net.inputSize(), batchFirst, true);
                }
            }
            if (step) {
                net.step(in, s, part.workspace, out);
            } else {
                int[] len = lengths;
                if (len != null && rows != batch) {
                    len = part.lengths(rows);
                    System.arraycopy(lengths, first, len, 0, rows);
                }
                if (ids != null) {
                    net.forwardTokens(ids, rows, steps, len, s, part.workspace, out);
                } else {
                    net.forward(in, rows, steps, len, s, part.workspace, out);
                }
            }
            if (!inPlace) {
                // a network that reduces over time gives [B][O], batch-first in either layout
                boolean reduced = net.reducesTime();
                slice(output, out, batch, first, rows, reduced ? 1 : steps, net.outputSize(), batchFirst || reduced,
                        false);
            }
            if (!ownState) {
                copyState(net, state, s, first, rows, false);
            }
        }

        /**
         * Copies rows {@code [first, first+rows)} of a whole-batch buffer to ({@code gather}) or from
         * a part's buffer: one block per call batch-first ({@code [B][T][width]}), one per step
         * sequence-first ({@code [T][B][width]}).
         */
        private static void slice(Object whole, Object part, int batch, int first, int rows, int steps, int width,
                                  boolean batchFirst, boolean gather) {
            int blocks = batchFirst ? 1 : steps;
            int length = batchFirst ? rows * steps * width : rows * width;
            for (int t = 0; t < blocks; t++) {
                int at = batchFirst ? first * steps * width : (t * batch + first) * width;
                if (gather) {
                    System.arraycopy(whole, at, part, t * length, length);
                } else {
                    System.arraycopy(part, t * length, whole, at, length);
                }
            }
        }

        /** Copies rows {@code [first, first+rows)} of every entry of {@code whole} to ({@code in}) or from {@code part}. */
        private static void copyState(LstmNetwork net, LstmState whole, LstmState part, int first, int rows,
                                      boolean in) {
            int dirs = net.directionCount();
            for (int k = 0; k < whole.size(); k++) {
                copyRows(whole.hidden(k), part.hidden(k), first, rows, net.stateSize(k / dirs), in);
                copyRows(whole.cell(k), part.cell(k), first, rows, net.cellSize(k / dirs), in);
            }
        }

        private static void copyRows(float[] whole, float[] part, int first, int rows, int width, boolean in) {
            if (in) {
                System.arraycopy(whole, first * width, part, 0, rows * width);
            } else {
                System.arraycopy(part, 0, whole, first * width, rows * width);
            }
        }
    }

    /** One part's scratch, used by one thread at a time (hand-offs order the uses). */
    private static final class Part {
        final LstmWorkspace workspace;
        final float[] input;
        final float[] output;
        private LstmState state;
        private int[] lengths = new int[0];
        private int[] tokens = new int[0];

        Part(LstmWorkspace workspace, LstmState state, float[] input, float[] output) {
            this.workspace = workspace;
            this.state = state;
            this.input = input;
            this.output = output;
        }

        /** A state of at least ({@code exact}: exactly) {@code rows} rows, reallocated only when the last one does not fit. */
        LstmState state(LstmNetwork net, int rows, boolean exact) {
            if (state == null || state.batch() < rows || exact && state.batch() != rows) {
                state = net.newState(rows);
            }
            return state;
        }

        /** Room for {@code count} token ids, grown only when a call needs more than the last. */
        int[] tokens(int count) {
            if (tokens.length < count) {
                tokens = new int[count];
            }
            return tokens;
        }

        int[] lengths(int rows) {
            if (lengths.length != rows) {
                lengths = new int[rows];
            }
            return lengths;
        }
    }

    /** Named daemon threads: they never keep a JVM alive. */
    private static final class Daemons implements ThreadFactory {
        private final String prefix;
        private final AtomicInteger count = new AtomicInteger();

        Daemons(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
