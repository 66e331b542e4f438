package dev.aether.testkit.nats;

import java.util.function.Consumer;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that injects a running {@link NatsServer} into constructors, lifecycle methods and
 * test methods, and stops it and deletes its store when its scope ends.
 *
 * <pre>{@code
 * @NatsTest                                   // = @Tag("nats") @ExtendWith(NatsServerExtension.class)
 * class StoreIT {
 *     @Test
 *     void appends(NatsServer server) { connect(server.url()); }
 * }
 *
 * class FreshServerIT {
 *     @RegisterExtension
 *     static NatsServerExtension nats = NatsServerExtension.perMethod()
 *             .withServer(b -> b.config("max_payload: 2MB"));
 * }
 * }</pre>
 *
 * <p>Scope: by default one server per test class (shared by all its methods; a {@code @Nested}
 * class gets its own). {@link #perMethod()} gives each test method a fresh server, shared by its
 * {@code @BeforeEach} and {@code @AfterEach} methods; a server injected into {@code @BeforeAll} lives
 * for the class either way. Register only one {@code NatsServerExtension} per class. Cleanup relies on
 * JUnit 5.13 or newer closing {@link AutoCloseable} values of the extension store.
 *
 * <p>Thread-safety: immutable; the JUnit store serializes creation of the server.
 */
public final class NatsServerExtension implements ParameterResolver {

    private static final Namespace NAMESPACE = Namespace.create(NatsServerExtension.class);

    private final boolean perMethod;
    private final Consumer<NatsServer.Builder> customizer;

    /** Creates the extension with one default server per test class; used by {@code @ExtendWith}. */
    public NatsServerExtension() {
        this(false, builder -> { });
    }

    private NatsServerExtension(boolean perMethod, Consumer<NatsServer.Builder> customizer) {
        this.perMethod = perMethod;
        this.customizer = customizer;
    }

    /**
     * Returns an extension that starts one server per test class (the default).
     *
     * @return the extension, for {@code @RegisterExtension}
     */
    public static NatsServerExtension perClass() {
        return new NatsServerExtension();
    }

    /**
     * Returns an extension that starts a fresh server for every test method.
     *
     * @return the extension, for {@code @RegisterExtension}
     */
    public static NatsServerExtension perMethod() {
        return new NatsServerExtension(true, builder -> { });
    }

    /**
     * Returns a copy of this extension that configures each server it starts, after its own defaults.
     *
     * @param configuration changes to the server builder, for example {@code b -> b.config("max_payload: 2MB")}
     * @return a new extension with the same scope
     */
    public NatsServerExtension withServer(Consumer<NatsServer.Builder> configuration) {
        return new NatsServerExtension(perMethod, customizer.andThen(configuration));
    }

    /**
     * Supports parameters of type {@link NatsServer}.
     *
     * @param parameterContext the parameter
     * @param extensionContext the current context
     * @return whether the parameter is a {@code NatsServer}
     */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == NatsServer.class;
    }

    /**
     * Returns the scope's server, starting it on first use.
     *
     * @param parameterContext the parameter
     * @param extensionContext the current context
     * @return the running server
     * @throws NatsServerNotFoundException when no nats-server binary is found
     * @throws NatsServerException         when the server does not start
     */
    @Override
    public NatsServer resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return FixtureScope.getOrCreate(extensionContext, perMethod, NAMESPACE, NatsServer.class, this::start);
    }

    private NatsServer start() {
        NatsServer.Builder builder = NatsServer.builder();
        customizer.accept(builder);
        return builder.start();
    }
}
