package io.github.lstmc.maven;

import java.io.File;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * The test-scope twin of {@code generate}: models under {@code src/test/lstm} become classes of the
 * test code ({@code target/generated-test-sources/lstm}, or {@code target/test-classes} with the
 * bytecode back end). Also skipped by {@code -Dmaven.test.skip}.
 */
@Mojo(name = "generate-test", defaultPhase = LifecyclePhase.GENERATE_TEST_SOURCES, threadSafe = true,
        requiresDependencyResolution = ResolutionScope.NONE)
public class GenerateTestMojo extends AbstractGenerateMojo {

    /** Where the test models are. */
    @Parameter(property = "lstm.testSourceDirectory", defaultValue = "${project.basedir}/src/test/lstm",
            required = true)
    private File sourceDirectory;

    /** Where generated test sources go (source back end). */
    @Parameter(property = "lstm.testOutputDirectory",
            defaultValue = "${project.build.directory}/generated-test-sources/lstm", required = true)
    private File outputDirectory;

    /** Where generated test classes go (bytecode back end). */
    @Parameter(defaultValue = "${project.build.testOutputDirectory}", required = true)
    private File classesDirectory;

    /** Maven's switch for skipping test compilation also skips test models. */
    @Parameter(property = "maven.test.skip", defaultValue = "false")
    private boolean skipTests;

    @Override
    protected boolean skipped() {
        return super.skipped() || skipTests;
    }

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
        project.addTestCompileSourceRoot(directory);
    }
}
