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
import java.util.function.Function;

/**
 * Finds the nats-server executable: an explicit path, else the path in {@value #ENV}, else the first
 * {@code nats-server} on {@code PATH} or in the usual install directories (which are often not on a
 * non-root user's {@code PATH}).
 *
 * <p>With a minimum version (for tests that need a newer server than the default one, such as replicated
 * streams), the explicit path must have it; otherwise the first of {@value #ENV}, {@value #NEW_ENV} and
 * the search above that has it is taken. None having it is an error naming what was found, never a skip.
 */
final class BinaryLocator {

    /** Environment variable naming the nats-server executable. */
    static final String ENV = "AETHER_NATS_SERVER";
    /** Environment variable naming a newer nats-server, for fixtures that ask for a minimum version. */
    static final String NEW_ENV = "AETHER_NATS_SERVER_NEW";

    static final String NEWER_HINT = "Run ./scripts/test, which provides one (it fetches Debian trixie's "
            + "nats-server 2.10.27 with scripts/fetch-nats-server), or set " + NEW_ENV
            + " to a nats-server that new (scripts/fetch-nats-server prints the path of one).";

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

    /** Finds an executable of at least a version, when one is given, from the process environment. */
    static Path locate(Optional<Path> explicit, Optional<String> minimumVersion) {
        return locate(explicit, minimumVersion, System.getenv(), Versions::of);
    }

    /**
     * Finds an executable of at least a version.
     *
     * @param versionOf reads a binary's version
     * @throws NatsServerNotFoundException when no candidate is an executable of that version
     */
    static Path locate(Optional<Path> explicit, Optional<String> minimumVersion, Map<String, String> env,
            Function<Path, String> versionOf) {
        if (minimumVersion.isEmpty()) {
            return locate(explicit, env);
        }
        String minimum = minimumVersion.get();
        if (explicit.isPresent()) {
            Path path = requireExecutable(explicit.get(), "the configured path");
            String version = versionOf.apply(path);
            if (!Versions.atLeast(version, minimum)) {
                throw new NatsServerNotFoundException("nats-server " + path + " is version " + version
                        + "; this fixture needs " + minimum + " or newer. " + NEWER_HINT);
            }
            return path;
        }
        List<String> seen = new ArrayList<>();
        for (String variable : List.of(ENV, NEW_ENV)) {
            String value = env.getOrDefault(variable, "").strip();
            if (!value.isEmpty()) {
                Path path = requireExecutable(Path.of(value), variable);
                String version = versionOf.apply(path);
                if (Versions.atLeast(version, minimum)) {
                    return path;
                }
                seen.add(variable + "=" + path + " (" + version + ")");
            }
        }
        for (Path path : candidates(env.getOrDefault("PATH", ""))) {
            if (isExecutable(path)) {
                String version = versionOf.apply(path);
                if (Versions.atLeast(version, minimum)) {
                    return path.toAbsolutePath();
                }
                seen.add(path + " (" + version + ")");
            }
        }
        throw new NatsServerNotFoundException("this fixture needs nats-server " + minimum + " or newer; found "
                + (seen.isEmpty() ? "none" : String.join(", ", seen)) + ". " + NEWER_HINT);
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
