package io.github.lstmc.compiler.testing;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * For tests of what holds once C2 has compiled a method. How many calls that takes is up to the
 * JVM and the machine (the compile runs in the background, and a busy machine starves it), so such
 * tests wait for evidence that compiled code runs, with a generous bound, never for a fixed count.
 */
public final class Jit {
    /** The message of a test skipped because the JVM runs without C2. */
    public static final String NO_C2 = "needs C2 (this JVM runs with -Xint, -XX:TieredStopAtLevel below 4 "
            + "or -XX:-UseCompiler)";

    private Jit() {
    }

    /** Whether this JVM may compile methods with C2. */
    public static boolean c2Available() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (!Boolean.parseBoolean(vm.getVMOption("UseCompiler").getValue())) {
                return false; // -Xint
            }
            return !Boolean.parseBoolean(vm.getVMOption("TieredCompilation").getValue())
                    || Integer.parseInt(vm.getVMOption("TieredStopAtLevel").getValue()) >= 4;
        } catch (RuntimeException e) {
            return true; // not HotSpot: assume an optimizing JIT
        }
    }

    /** Bytes this thread allocates while running {@code calls}; needs HotSpot's allocation counter. */
    public static long allocatedBy(Runnable calls) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        calls.run();
        return threads.getThreadAllocatedBytes(id) - before;
    }

    /**
     * Runs {@code calls} again and again until one run allocates less than {@code bytes} on this
     * thread, or until {@code bound} has passed; returns what the last run allocated. Code that
     * allocates only until C2 compiles it (Vector API boxes, objects that escape analysis removes)
     * stops allocating once compiled code runs: that is the evidence this waits for.
     */
    public static long runUntilAllocationFree(Runnable calls, long bytes, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        long allocated;
        do {
            allocated = allocatedBy(calls);
        } while (allocated >= bytes && System.nanoTime() - deadline < 0);
        return allocated;
    }
}
