package dev.aether.testkit.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class VersionsTest {

    @Test
    void versionsCompareNumerically_notAsText() {
        assertThat(Versions.atLeast("2.10.27", "2.9.21")).isTrue();
        assertThat(Versions.atLeast("2.9.10", "2.9.21")).isFalse();
        assertThat(Versions.atLeast("2.9.21", "2.9.21")).isTrue();
        assertThat(Versions.atLeast("v2.11.0", "2.9.21")).isTrue();
    }

    @Test
    void aPreRelease_isBelowItsRelease() {
        assertThat(Versions.atLeast("2.9.21-beta.1", "2.9.21")).isFalse();
        assertThat(Versions.atLeast("2.10.0-RC.2", "2.9.21")).isTrue();
    }

    @Test
    void somethingElse_isRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> Versions.atLeast("latest", "2.9.21"))
                .withMessageContaining("latest");
        assertThatIllegalArgumentException().isThrownBy(() -> NatsCluster.builder().minimumVersion("two"));
    }
}
