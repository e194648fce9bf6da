package io.github.lstmc.compiler.cli;

import io.github.lstmc.compiler.LstmcException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code lstmc demo}: compile, run and compare engines on the bundled sample model. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Compile the bundled sample model (a PyTorch LSTM forecasting a noisy sine) with both back ends, "
                + "run it on every engine, compare the results with PyTorch's and time them.")
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws LstmcException {
        throw new EngineUnavailableException("the demo");
    }
}
