package io.github.lstmc.maven;

import java.io.File;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Compiles every model under {@code src/main/lstm} into a Java class of the main code: as source
 * under {@code target/generated-sources/lstm} (added as a compile source root), or with
 * {@code <backend>bytecode</backend>} as class files straight into {@code target/classes}.
 * Only models whose bytes or options changed are regenerated.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true,
        requiresDependencyResolution = ResolutionScope.NONE)
public class GenerateMojo extends AbstractGenerateMojo {

    /** Where the models are. */
    @Parameter(property = "lstm.sourceDirectory", defaultValue = "${project.basedir}/src/main/lstm", required = true)
    private File sourceDirectory;

    /** Where generated sources go (source back end). */
    @Parameter(property = "lstm.outputDirectory", defaultValue = "${project.build.directory}/generated-sources/lstm",
            required = true)
    private File outputDirectory;

    /** Where generated classes go (bytecode back end). */
    @Parameter(defaultValue = "${project.build.outputDirectory}", required = true)
    private File classesDirectory;

    @Override
    protected File sourceDirectory() {
        return sourceDirectory;
    }

    @Override
    protected File outputDirectory() {
        return outputDirectory;
    }

    @Override
    protected File classesDirectory() {
        return classesDirectory;
    }

    @Override
    protected void addSourceRoot(String directory) {
        project.addCompileSourceRoot(directory);
    }
}
