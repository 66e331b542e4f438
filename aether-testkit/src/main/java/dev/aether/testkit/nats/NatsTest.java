package dev.aether.testkit.nats;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks an integration test class that runs against a real nats-server: tags it {@code nats} (so
 * {@code -DexcludedGroups=nats} skips it) and registers {@link NatsServerExtension}, which injects one
 * {@link NatsServer} per class.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag("nats")
@ExtendWith(NatsServerExtension.class)
public @interface NatsTest {
}
