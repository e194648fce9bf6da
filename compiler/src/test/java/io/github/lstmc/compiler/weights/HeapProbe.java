package io.github.lstmc.compiler.weights;

import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.PackedFloats;
import java.lang.management.ManagementFactory;

/**
 * Run in its own JVM by {@link WeightHeapTest}: prints the heap a generated class retains once
 * initialized (used heap after full collections with an instance alive, minus before loading it).
 * Arguments: the class's binary name, the directory of its class file. The class is loaded from a
 * loader over that directory alone, created beforehand, after a lookup that walks the whole class
 * path: the parent's first search for the class opens every jar on it, whose central directories
 * then stay cached on the heap and would count as the model's.
 */
public final class HeapProbe {
    private HeapProbe() {
    }

    public static void main(String[] args) throws Exception {
        // load what every model uses first, so that only the model's own objects are counted
        PackedFloats.vector(1, io.github.lstmc.compiler.plan.FloatPacking.encode(new float[] {1f}).toArray(new String[0]));
        Class.forName("io.github.lstmc.runtime.AbstractLstmNetwork");
        java.net.URLClassLoader loader = new java.net.URLClassLoader(
                new java.net.URL[] {java.nio.file.Path.of(args[1]).toUri().toURL()}, HeapProbe.class.getClassLoader());
        HeapProbe.class.getClassLoader().getResource("no/such/Resource.class");
        long before = settledUsedHeap();
        LstmNetwork network = (LstmNetwork) Class.forName(args[0], true, loader).getConstructor().newInstance();
        long after = settledUsedHeap();
        // keeps the instance (and so its class) reachable across the measurement
        System.out.println((after - before) + " " + network.inputSize());
        if (args.length > 2) { // a pause to look at the heap with jcmd
            System.out.flush();
            Thread.sleep(Long.parseLong(args[2]));
        }
    }

    /** Used heap after full collections, once two in a row agree within 1 KB (at most 20 rounds). */
    private static long settledUsedHeap() throws InterruptedException {
        long previous = Long.MAX_VALUE;
        for (int round = 0; round < 20; round++) {
            System.gc();
            Thread.sleep(20);
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (Math.abs(used - previous) < 1024) {
                return used;
            }
            previous = used;
        }
        return previous;
    }
}
