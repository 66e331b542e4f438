/**
 * The contract test suite for event buses: {@link dev.aether.testkit.bus.EventBusContractTest}, the abstract
 * JUnit 5 class every {@link dev.aether.bus.EventBus} test class extends, plus
 * {@link dev.aether.testkit.bus.EventRecorder} (a handler that records and waits) and
 * {@link dev.aether.testkit.bus.BusEvents} (event and namespace factories, fences) for bus tests.
 */
package dev.aether.testkit.bus;
