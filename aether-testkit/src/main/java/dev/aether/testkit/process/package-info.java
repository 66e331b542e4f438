/**
 * Fault tools for tests that run part of a system as separate JVM processes: {@link
 * dev.aether.testkit.process.JvmProcess} starts a main class on the current class path, waits for its ready
 * line, and crashes ({@code kill -9}), pauses ({@code SIGSTOP} / {@code SIGCONT}) or stops it ({@code SIGTERM}
 * with a deadline); every process is reaped, also when a test forgets to or the JVM exits.
 */
package dev.aether.testkit.process;
