/**
 * The in-process actor runtime: {@link dev.aether.runtime.Runtime} routes each
 * {@link dev.aether.runtime.RuntimeMessage} to its actor's {@link dev.aether.runtime.VirtualMachine},
 * activating it on demand (snapshot + replay), lets the actor's behaviour decide, stores the events with
 * optimistic concurrency (group commit) and answers with a {@link dev.aether.runtime.CommandResult}.
 *
 * <p>Typical use:
 * <pre>{@code
 * try (Runtime runtime = Runtime.builder().eventStore(store).behavior(accountBehavior).build()) {
 *   runtime.start();
 *   CommandResult result = runtime.sendMessage(
 *       RuntimeMessage.of("Account", "acc-42", "Deposit", Map.of("amount", 100))).join();
 * }
 * }</pre>
 * Import {@code dev.aether.runtime.Runtime} by name: a wildcard import clashes with {@code java.lang.Runtime}.
 *
 * <p>Behaviours plug in through {@link dev.aether.runtime.spi.Behavior}; Java behaviours with typed records
 * are written with {@link dev.aether.runtime.behavior.JavaBehavior}.
 */
package dev.aether.runtime;
