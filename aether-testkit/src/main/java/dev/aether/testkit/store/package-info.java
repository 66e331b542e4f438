/**
 * Contract test suites for store implementations: {@link dev.aether.testkit.store.EventStoreContractTest}
 * and {@link dev.aether.testkit.store.SnapshotStoreContractTest}, abstract JUnit 5 classes that every
 * {@link dev.aether.store.EventStore} and {@link dev.aether.store.SnapshotStore} test class extends, plus
 * {@link dev.aether.testkit.store.EventStoredRecorder} for asserting on stored-event notices.
 */
package dev.aether.testkit.store;
