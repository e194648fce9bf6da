package io.github.lstmc.compiler.cli;

import io.github.lstmc.compiler.Lstmc;
import picocli.CommandLine.IVersionProvider;

/** {@code --version} on every command: the compiler version that is also written into generated code. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"lstmc " + Lstmc.VERSION};
    }
}
