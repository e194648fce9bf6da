package io.github.lstmc.compiler.emit.bytecode;

import io.github.lstmc.compiler.Backend;
import io.github.lstmc.compiler.CompileOptions;
import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.emit.ModelClassLoader;
import io.github.lstmc.compiler.emit.java.InMemoryJavaCompiler;
import io.github.lstmc.compiler.emit.java.JavaSourceEmitter;
import io.github.lstmc.compiler.model.Model;
import io.github.lstmc.compiler.plan.Plan;
import io.github.lstmc.compiler.plan.Planner;
import io.github.lstmc.runtime.LstmNetwork;
import java.util.Locale;
import java.util.Map;

/**
 * Measures how long compiling a model takes with each back end, from the in-memory model to a
 * running network: plan, render (bytecode or source), javac (source only), define and initialise
 * the class (decoding the packed weights), first forward step. Not a test: timings depend on the
 * machine and its load. Run with
 * <pre>
 *   java -cp compiler/target/classes:compiler/target/test-classes:runtime/target/classes:&lt;asm, javapoet jars&gt; \
 *        io.github.lstmc.compiler.emit.bytecode.CompileTimeHarness [repetitions]
 * </pre>
 * The first repetition of each size runs in a JVM that has not compiled that path yet (what a
 * one-shot {@code lstmc compile} sees); the best of the repetitions is the warmed-up figure.
 */
public final class CompileTimeHarness {

    private record Size(String label, int input, int hidden) {
    }

    private static final Size[] SIZES = {
        new Size("10K", 20, 40), new Size("1M", 250, 400), new Size("6M", 512, 1024)
    };

    private CompileTimeHarness() {
    }

    public static void main(String[] args) {
        int repetitions = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        System.out.println("size  params     backend   plan ms  render ms  javac ms  load ms  total ms  class bytes  (run)");
        for (Size size : SIZES) {
            Model model = LargeModelTest.randomModel("harness", size.input(), size.hidden(), 1);
            for (Backend backend : Backend.values()) {
                for (int r = 0; r < repetitions; r++) {
                    measure(size, model, backend, r);
                }
            }
        }
    }

    private static void measure(Size size, Model model, Backend backend, int repetition) {
        CompileOptions options = new CompileOptions("lstmc.harness", "Model" + size.label(), backend, 8);
        long t0 = System.nanoTime();
        Plan plan = Planner.plan(model);
        long t1 = System.nanoTime();
        long javac = 0;
        long bytes;
        long t2;
        LstmNetwork network;
        if (backend == Backend.BYTECODE) {
            GeneratedCode code = BytecodeEmitter.emit(plan, options);
            t2 = System.nanoTime();
            bytes = code.files().get(0).content().length;
            network = new ModelClassLoader(code).newNetwork(options.qualifiedName());
        } else {
            String source = JavaSourceEmitter.render(plan, options.packageName(), options.className());
            t2 = System.nanoTime();
            InMemoryJavaCompiler.Result compiled = InMemoryJavaCompiler.compile(Map.of(options.qualifiedName(), source));
            long t3 = System.nanoTime();
            javac = t3 - t2;
            t2 = t3;
            bytes = compiled.classFiles().get(options.qualifiedName()).length;
            try {
                network = (LstmNetwork) compiled.load(options.qualifiedName()).getConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        float[] out = new float[network.outputSize()];
        network.step(new float[network.inputSize()], network.newState(1), network.newWorkspace(1, 1), out);
        long t4 = System.nanoTime();
        long render = backend == Backend.BYTECODE ? t2 - t1 : t2 - t1 - javac;
        System.out.println(String.format(Locale.ROOT, "%-5s %-10d %-9s %7.0f %10.0f %9.0f %8.0f %9.0f %12d  #%d",
                size.label(), model.parameterCount(), backend, ms(t1 - t0), ms(render), ms(javac), ms(t4 - t2),
                ms(t4 - t0), bytes, repetition + 1));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
