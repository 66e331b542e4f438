package dev.aether.runtime;

import java.util.Locale;

/** Why a VM was passivated: the {@code cause} tag of {@value RuntimeMetrics#PASSIVATIONS}. */
enum Passivation {
  /** Unused for the idle timeout (the passivation sweep). */
  IDLE,
  /** Evicted as the least recently used when more than {@code maxActiveVMs} were active. */
  LRU,
  /** Stopped on request: {@code stopVM}, the runtime closing, a behaviour replaced. */
  STOP,
  /** Handed off by {@code drain} (the cluster moving the actor away). */
  DRAIN;

  /** @return the tag value: the lower-case name */
  String tagValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
