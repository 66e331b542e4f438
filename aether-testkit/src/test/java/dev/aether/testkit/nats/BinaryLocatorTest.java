package dev.aether.testkit.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BinaryLocatorTest {

    @TempDir
    Path dir;

    @Test
    void envVariable_pointingNowhere_failsWithInstallCommand() {
        Map<String, String> env = Map.of("AETHER_NATS_SERVER", dir.resolve("missing").toString());

        assertThatThrownBy(() -> BinaryLocator.locate(Optional.empty(), env))
                .isInstanceOf(NatsServerNotFoundException.class)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("AETHER_NATS_SERVER")
                .hasMessageContaining("sudo apt-get install -y nats-server")
                .hasMessageContaining("brew install nats-server")
                .hasMessageContaining("./scripts/test");
    }

    @Test
    void envVariable_winsOverPath() throws IOException {
        Path fromEnv = executable(dir.resolve("env"));
        Path onPath = executable(dir.resolve("path"));

        Path found = BinaryLocator.locate(Optional.empty(),
                Map.of("AETHER_NATS_SERVER", fromEnv.toString(), "PATH", onPath.getParent().toString()));

        assertThat(found).isEqualTo(fromEnv);
    }

    @Test
    void path_isSearchedInOrder() throws IOException {
        Path first = executable(dir.resolve("a"));
        executable(dir.resolve("b"));

        Path found = BinaryLocator.locate(Optional.empty(),
                Map.of("PATH", first.getParent() + ":" + dir.resolve("b")));

        assertThat(found).isEqualTo(first);
    }

    @Test
    void explicitPath_thatIsNotExecutable_isRefused() throws IOException {
        Path plain = Files.createFile(dir.resolve("nats-server"));

        assertThatThrownBy(() -> BinaryLocator.locate(Optional.of(plain), Map.of()))
                .isInstanceOf(NatsServerNotFoundException.class)
                .hasMessageContaining(plain.toString());
    }

    @Test
    void minimumVersion_takesTheDefaultServer_whenItIsNewEnough() throws IOException {
        Path old = executable(dir.resolve("old"));
        Path fresh = executable(dir.resolve("new"));
        Map<Path, String> versions = Map.of(old, "2.9.10", fresh, "2.10.27");

        Path found = BinaryLocator.locate(Optional.empty(), Optional.of("2.9.21"),
                Map.of("AETHER_NATS_SERVER", fresh.toString(), "AETHER_NATS_SERVER_NEW", old.toString()),
                versions::get);

        assertThat(found).isEqualTo(fresh);
    }

    @Test
    void minimumVersion_takesTheNewerServer_whenTheDefaultIsTooOld() throws IOException {
        Path old = executable(dir.resolve("old"));
        Path fresh = executable(dir.resolve("new"));
        Map<Path, String> versions = Map.of(old, "2.9.10", fresh, "2.10.27");

        Path found = BinaryLocator.locate(Optional.empty(), Optional.of("2.9.21"),
                Map.of("AETHER_NATS_SERVER", old.toString(), "AETHER_NATS_SERVER_NEW", fresh.toString()),
                versions::get);

        assertThat(found).isEqualTo(fresh);
    }

    @Test
    void minimumVersion_withoutAnyServerThatNew_failsNamingWhatItFound() throws IOException {
        Path old = executable(dir.resolve("old"));

        assertThatThrownBy(() -> BinaryLocator.locate(Optional.empty(), Optional.of("2.9.21"),
                Map.of("AETHER_NATS_SERVER", old.toString(), "PATH", dir.resolve("nothing").toString()),
                path -> "2.9.10"))
                .isInstanceOf(NatsServerNotFoundException.class)
                .hasMessageContaining("needs nats-server 2.9.21 or newer")
                .hasMessageContaining("AETHER_NATS_SERVER=" + old + " (2.9.10)")
                .hasMessageContaining("AETHER_NATS_SERVER_NEW")
                .hasMessageContaining("./scripts/test");
    }

    @Test
    void minimumVersion_refusesAnExplicitBinaryThatIsTooOld() throws IOException {
        Path old = executable(dir.resolve("old"));

        assertThatThrownBy(() -> BinaryLocator.locate(Optional.of(old), Optional.of("2.9.21"), Map.of(),
                path -> "2.9.10"))
                .isInstanceOf(NatsServerNotFoundException.class)
                .hasMessageContaining(old + " is version 2.9.10; this fixture needs 2.9.21 or newer");
    }

    private static Path executable(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path file = Files.createFile(directory.resolve("nats-server"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
