package dev.aether.testkit.nats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The version of each nats-server binary, from {@code nats-server --version}, asked once per binary. */
final class Versions {

    private static final Map<Path, String> CACHE = new ConcurrentHashMap<>();
    private static final Pattern VERSION = Pattern.compile("v?(\\d+\\.\\d+\\.\\d+\\S*)");

    private Versions() {
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
