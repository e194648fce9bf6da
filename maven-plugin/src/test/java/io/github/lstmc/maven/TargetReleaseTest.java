package io.github.lstmc.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

/** How {@code targetRelease} and {@code vectorApi} combine into the class file level to generate. */
class TargetReleaseTest {

    @Test
    void unsetReleaseIs8WithoutAndIs17WithTheVectorApi() throws Exception {
        assertEquals(8, AbstractGenerateMojo.effectiveTargetRelease(null, false));
        assertEquals(17, AbstractGenerateMojo.effectiveTargetRelease(null, true));
    }

    @Test
    void explicitReleaseIsKept() throws Exception {
        for (int release : new int[] {8, 11, 17}) {
            assertEquals(release, AbstractGenerateMojo.effectiveTargetRelease(release, false));
        }
        assertEquals(17, AbstractGenerateMojo.effectiveTargetRelease(17, true));
    }

    @Test
    void vectorApiWithAnExplicitLowerReleaseIsAConfigurationError() {
        for (int release : new int[] {8, 11}) {
            MojoFailureException e = assertThrows(MojoFailureException.class,
                    () -> AbstractGenerateMojo.effectiveTargetRelease(release, true));
            String message = e.getMessage();
            assertTrue(message.contains("<vectorApi>true</vectorApi>"), message);
            assertTrue(message.contains("<targetRelease>17</targetRelease>"), message);
            assertTrue(message.contains("got <targetRelease>" + release + "</targetRelease>"), message);
            assertEquals(1, message.lines().count(), message);
        }
    }

    @Test
    void anInvalidReleaseWithoutTheVectorApiIsLeftToTheCompileOptions() throws Exception {
        // 9 is not a level lstmc generates, but CompileOptions reports that per model with its own message.
        assertEquals(9, AbstractGenerateMojo.effectiveTargetRelease(9, false));
    }
}
