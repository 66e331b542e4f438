package dev.aether.testkit.nats;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * Where the extensions keep a fixture: in the store of the test class's context (one per class) or
 * of the current context (one per test method). JUnit closes {@link AutoCloseable} store values when
 * their context ends, so the fixture is stopped and its directories deleted then.
 */
final class FixtureScope {

    private FixtureScope() {
    }

    /** Returns the fixture of the scope, creating it on first use. */
    static <T extends AutoCloseable> T getOrCreate(ExtensionContext context, boolean perMethod, Namespace namespace,
            Class<T> type, Supplier<T> factory) {
        ExtensionContext owner = perMethod ? context : classContext(context);
        return owner.getStore(namespace).getOrComputeIfAbsent(type, key -> factory.get(), type);
    }

    /** Walks up from a method (or invocation) context to the context of its test class. */
    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
            current = current.getParent().get();
        }
        return current;
    }
}
