package dev.aether.testkit.nats;

import java.util.function.Consumer;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that injects a formed {@link NatsCluster} (3 nodes by default) and stops it and
 * deletes its stores when its scope ends.
 *
 * <pre>{@code
 * @Tag("nats")
 * @ExtendWith(NatsClusterExtension.class)
 * class FailoverIT {
 *     @Test
 *     void survivesNodeCrash(NatsCluster cluster) { cluster.server(0).kill(); }
 * }
 * }</pre>
 *
 * <p>Scope and cleanup work as in {@link NatsServerExtension}: one cluster per test class by default,
 * or one per test method with {@link #perMethod()}. A test that kills nodes of a per-class cluster
 * should restart them (and {@link NatsCluster#awaitHealthy()}) before it ends.
 *
 * <p>Thread-safety: immutable; the JUnit store serializes creation of the cluster.
 */
public final class NatsClusterExtension implements ParameterResolver {

    private static final Namespace NAMESPACE = Namespace.create(NatsClusterExtension.class);

    private final boolean perMethod;
    private final Consumer<NatsCluster.Builder> customizer;

    /** Creates the extension with one default cluster per test class; used by {@code @ExtendWith}. */
    public NatsClusterExtension() {
        this(false, builder -> { });
    }

    private NatsClusterExtension(boolean perMethod, Consumer<NatsCluster.Builder> customizer) {
        this.perMethod = perMethod;
        this.customizer = customizer;
    }

    /**
     * Returns an extension that starts one cluster per test class (the default).
     *
     * @return the extension, for {@code @RegisterExtension}
     */
    public static NatsClusterExtension perClass() {
        return new NatsClusterExtension();
    }

    /**
     * Returns an extension that starts a fresh cluster for every test method.
     *
     * @return the extension, for {@code @RegisterExtension}
     */
    public static NatsClusterExtension perMethod() {
        return new NatsClusterExtension(true, builder -> { });
    }

    /**
     * Returns a copy of this extension that configures each cluster it starts.
     *
     * @param configuration changes to the cluster builder, for example {@code b -> b.size(5)}
     * @return a new extension with the same scope
     */
    public NatsClusterExtension withCluster(Consumer<NatsCluster.Builder> configuration) {
        return new NatsClusterExtension(perMethod, customizer.andThen(configuration));
    }

    /**
     * Supports parameters of type {@link NatsCluster}.
     *
     * @param parameterContext the parameter
     * @param extensionContext the current context
     * @return whether the parameter is a {@code NatsCluster}
     */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == NatsCluster.class;
    }

    /**
     * Returns the scope's cluster, starting it on first use.
     *
     * @param parameterContext the parameter
     * @param extensionContext the current context
     * @return the formed cluster
     * @throws NatsServerNotFoundException when no nats-server binary is found
     * @throws NatsServerException         when the cluster does not form
     */
    @Override
    public NatsCluster resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return FixtureScope.getOrCreate(extensionContext, perMethod, NAMESPACE, NatsCluster.class, this::start);
    }

    private NatsCluster start() {
        NatsCluster.Builder builder = NatsCluster.builder();
        customizer.accept(builder);
        return builder.start();
    }
}
