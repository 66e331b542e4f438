package dev.aether.testkit.nats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version of each nats-server binary, from {@code nats-server --version}, asked once per binary, and
 * the comparison of such versions. Thread-safe.
 */
final class Versions {

    private static final Map<Path, String> CACHE = new ConcurrentHashMap<>();
    private static final Pattern VERSION = Pattern.compile("v?(\\d+\\.\\d+\\.\\d+\\S*)");
    private static final Pattern NUMBERS = Pattern.compile("v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?(-\\S+)?");

    private Versions() {
    }

    /**
     * Tells whether a version is at least a minimum: numeric comparison of major, minor and patch; a
     * pre-release ({@code 2.10.0-beta}) is below its release.
     *
     * @throws IllegalArgumentException when either is not a version such as {@code 2.9.21}
     */
    static boolean atLeast(String version, String minimum) {
        return compare(version, minimum) >= 0;
    }

    /** Compares two versions as {@link #atLeast} does. */
    static int compare(String a, String b) {
        long[] x = numbers(a);
        long[] y = numbers(b);
        for (int i = 0; i < x.length; i++) {
            if (x[i] != y[i]) {
                return Long.compare(x[i], y[i]);
            }
        }
        return 0;
    }

    /** Major, minor, patch and 1 for a release or 0 for a pre-release. */
    private static long[] numbers(String version) {
        Matcher matcher = NUMBERS.matcher(version.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a nats-server version: \"" + version + "\"");
        }
        long patch = matcher.group(3) == null ? 0 : Long.parseLong(matcher.group(3));
        return new long[] {Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)), patch,
            matcher.group(4) == null ? 1 : 0};
    }

    /** Returns the version of a binary, such as {@code 2.9.10}. */
    static String of(Path binary) {
        return CACHE.computeIfAbsent(binary, Versions::ask);
    }

    private static String ask(Path binary) {
        String output = run(binary);
        Matcher matcher = VERSION.matcher(output);
        if (!matcher.find()) {
            throw new NatsServerException("cannot read the version of " + binary + " from: " + output);
        }
        return matcher.group(1);
    }

    private static String run(Path binary) {
        try {
            Process process = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            return output.strip();
        } catch (IOException e) {
            throw new NatsServerException("cannot run " + binary + " --version", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NatsServerException("interrupted while running " + binary + " --version", e);
        }
    }
}
