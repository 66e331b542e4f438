/**
 * Contract test suites for store implementations: {@link dev.aether.testkit.store.EventStoreContractTest},
 * {@link dev.aether.testkit.store.SnapshotStoreContractTest} and
 * {@link dev.aether.testkit.store.EventFeedContractTest}, abstract JUnit 5 classes that every
 * {@link dev.aether.store.EventStore}, {@link dev.aether.store.SnapshotStore} and
 * {@link dev.aether.store.EventFeed} test class extends, plus
 * {@link dev.aether.testkit.store.EventStoredRecorder} for asserting on stored-event notices.
 */
package dev.aether.testkit.store;
