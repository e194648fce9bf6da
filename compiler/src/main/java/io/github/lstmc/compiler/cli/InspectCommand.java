package io.github.lstmc.compiler.cli;

import io.github.lstmc.compiler.LstmcException;
import io.github.lstmc.compiler.WeightStorage;
import io.github.lstmc.compiler.load.LoadResult;
import io.github.lstmc.compiler.load.onnx.OnnxLoader;
import io.github.lstmc.compiler.model.Model;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code lstmc inspect MODEL}: what the model is and how lstmc would compile it. */
@Command(name = "inspect", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Print a model's structure (layers, directions, sizes, activations, parameters, FLOPs per step) "
                + "and how lstmc would generate it.")
final class InspectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelArguments modelArguments;

    @Option(names = "--weights", paramLabel = "STORAGE", defaultValue = "fp32", converter = Engine.WeightsConverter.class,
            description = "The weight storage whose plan is shown: fp32, fp16 (half floats) or int8 (one scale per"
                    + " output row); computation stays fp32 (default: ${DEFAULT-VALUE}).")
    WeightStorage weights;

    @Override
    public Integer call() throws LstmcException {
        PrintWriter out = spec.commandLine().getOut();
        LoadResult loaded;
        try {
            loaded = modelArguments.loadResult(spec.commandLine().getErr());
        } catch (LstmcException refused) {
            listCutPoints(out);
            throw refused;
        }
        Model model = loaded.model();
        out.println("file: " + modelArguments.model);
        out.println(Toolchain.describeModel(model).stripTrailing());
        out.println(Toolchain.describeState(model, weights).stripTrailing());
        List<String> uncompiled = loaded.uncompiledTensors();
        if (!uncompiled.isEmpty()) {
            out.println();
            out.println("not compiled: " + uncompiled.size() + (uncompiled.size() == 1 ? " tensor" : " tensors")
                    + " of the file outside the model");
            uncompiled.forEach(name -> out.println("  " + ErrorHandler.oneLine(name)));
        }
        Optional<String> plan = Toolchain.describePlan(model, weights);
        out.println();
        if (plan.isPresent()) {
            out.println("code generation plan:");
            plan.get().stripTrailing().lines().forEach(l -> out.println(l.isBlank() ? "" : "  " + l));
        } else {
            out.println("code generation plan: not available (needs a JDK and the source back end)");
        }
        out.println();
        out.println("weight storage (output difference from fp32 on a seeded random input):");
        Toolchain.describeStorage(model).stripTrailing().lines().forEach(l -> out.println("  " + l));
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * For a refused ONNX graph: the tensors where {@code --from}/{@code --to} would cut out a part lstmc
     * compiles, before the error itself is reported (nothing when none would, or the file is unreadable).
     */
    private void listCutPoints(PrintWriter out) {
        String name = String.valueOf(modelArguments.model.getFileName());
        if (!name.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx") || modelArguments.hasCut()) {
            return;
        }
        OnnxLoader.CutPoints cuts;
        try {
            cuts = OnnxLoader.cutPoints(modelArguments.model);
        } catch (LstmcException | RuntimeException e) {
            return;
        }
        if (cuts.from().isEmpty() && cuts.to().isEmpty()) {
            out.println("file: " + modelArguments.model + ": no --from/--to cut makes a graph lstmc compiles");
        } else {
            out.println("file: " + modelArguments.model + ": refused as a whole; tensors where a cut works (one --from and/or one --to):");
            cuts.from().forEach(t -> out.println("  --from " + ErrorHandler.oneLine(t)));
            cuts.to().forEach(t -> out.println("  --to " + ErrorHandler.oneLine(t)));
        }
        out.flush();
    }
}
