package io.github.lstmc.compiler.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The top-level {@code lstmc} command: only global options; the work is in the subcommands. */
@Command(name = "lstmc",
        mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Compiles trained LSTM/BiLSTM networks (PyTorch safetensors, ONNX, Burn) into plain Java classes.",
        subcommands = {DemoCommand.class, RunCommand.class, InspectCommand.class, CompileCommand.class,
                HelpCommand.class},
        footerHeading = "%nExit status:%n",
        footer = {"  0  success",
                "  1  internal error (a bug in lstmc; --verbose shows the stack trace)",
                "  2  malformed file or argument: the first stderr line starts with",
                "     'error:' and names the file or option; nothing was written"})
final class LstmcCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Read by {@link ErrorHandler} from the parse result; declared here so every command accepts and documents it. */
    @Option(names = ErrorHandler.VERBOSE, scope = ScopeType.INHERIT,
            description = "Print stack traces with error messages.")
    boolean verbose;

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        err.println("error: no command given (one of: demo, run, inspect, compile)");
        spec.commandLine().usage(err);
        return ExitCodes.USER_ERROR;
    }
}
