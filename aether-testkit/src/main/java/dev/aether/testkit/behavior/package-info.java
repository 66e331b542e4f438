/**
 * Given / when / then tests of an aggregate's behaviour without NATS:
 * {@link dev.aether.testkit.behavior.BehaviorFixture}, a runtime on an in-memory event store.
 */
package dev.aether.testkit.behavior;
