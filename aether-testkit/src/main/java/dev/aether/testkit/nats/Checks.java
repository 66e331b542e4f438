package dev.aether.testkit.nats;

import java.time.Duration;
import java.util.regex.Pattern;

/** Argument checks shared by the builders; each refuses a bad value with {@link IllegalArgumentException}. */
final class Checks {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    private Checks() {
    }

    static int port(int value) {
        if (value < 1 || value > 65_535) {
            throw new IllegalArgumentException("port must be 1..65535: " + value);
        }
        return value;
    }

    static Duration positive(Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + value);
        }
        return value;
    }

    static String name(String value) {
        if (!NAME.matcher(value).matches()) {
            throw new IllegalArgumentException("name must match " + NAME + ": " + value);
        }
        return value;
    }
}
