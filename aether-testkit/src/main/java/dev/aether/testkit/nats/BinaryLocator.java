package dev.aether.testkit.nats;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the nats-server executable: an explicit path, else the path in {@value #ENV}, else the first
 * {@code nats-server} on {@code PATH} or in the usual install directories (which are often not on a
 * non-root user's {@code PATH}).
 */
final class BinaryLocator {

    /** Environment variable naming the nats-server executable. */
    static final String ENV = "AETHER_NATS_SERVER";

    static final String INSTALL_HINT = "Set " + ENV + " to the nats-server executable, or install it: "
            + "`sudo apt-get install -y nats-server` (Debian/Ubuntu) or `brew install nats-server` (macOS), "
            + "or run ./scripts/test which installs it.";

    private static final List<String> USUAL_DIRECTORIES = List.of(
            "/usr/sbin", "/usr/local/sbin", "/usr/local/bin", "/usr/bin", "/opt/homebrew/bin",
            Path.of(System.getProperty("user.home", "/nonexistent"), "go", "bin").toString());

    private BinaryLocator() {
    }

    /** Finds the executable from the process environment. */
    static Path locate(Optional<Path> explicit) {
        return locate(explicit, System.getenv());
    }

    /**
     * Finds the executable.
     *
     * @throws NatsServerNotFoundException when the named or searched file is not an executable
     */
    static Path locate(Optional<Path> explicit, Map<String, String> env) {
        if (explicit.isPresent()) {
            return requireExecutable(explicit.get(), "the configured path");
        }
        String fromEnv = env.getOrDefault(ENV, "").strip();
        if (!fromEnv.isEmpty()) {
            return requireExecutable(Path.of(fromEnv), ENV);
        }
        List<Path> candidates = candidates(env.getOrDefault("PATH", ""));
        return candidates.stream().filter(BinaryLocator::isExecutable).findFirst()
                .orElseThrow(() -> new NatsServerNotFoundException("nats-server not found on PATH nor in "
                        + USUAL_DIRECTORIES + ". " + INSTALL_HINT));
    }

    private static Path requireExecutable(Path path, String source) {
        if (!isExecutable(path)) {
            throw new NatsServerNotFoundException("nats-server not found: " + path + " (from " + source
                    + ") is not an executable file. " + INSTALL_HINT);
        }
        return path.toAbsolutePath();
    }

    private static List<Path> candidates(String pathVariable) {
        Set<String> directories = new LinkedHashSet<>();
        for (String entry : pathVariable.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                directories.add(entry);
            }
        }
        directories.addAll(USUAL_DIRECTORIES);
        List<Path> candidates = new ArrayList<>();
        for (String directory : directories) {
            candidates.add(Path.of(directory, executableName()));
        }
        return candidates;
    }

    private static String executableName() {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        return windows ? "nats-server.exe" : "nats-server";
    }

    private static boolean isExecutable(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }
}
