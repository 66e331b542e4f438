package dev.aether.model.exec;

import dev.aether.model.projection.RunningProjection;
import java.util.Map;

/**
 * A read model of the loaded model, as projected so far: rows by key (JSON objects), built from the event
 * feed (every writer's events) with checkpoints in the runtime's read-model store. Projection is
 * asynchronous: a row reflects an accepted command shortly after its reply; wait for it with
 * {@link #awaitCaughtUp} (the command's stream and new version) or {@link #idle()}. Everything a
 * {@link RunningProjection} offers: rows, waits, {@link #rebuild()} with progress, failures. Thread-safe.
 */
public interface ReadModel extends RunningProjection<Map<String, Object>> {}
