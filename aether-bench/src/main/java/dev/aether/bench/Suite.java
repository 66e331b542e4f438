package dev.aether.bench;

import java.util.List;
import java.util.Map;

/**
 * A named group of cases that share a set-up (a store, a nats-server, a runtime) and one section of
 * {@code RESULTS.md}. A suite is created right before it runs and closed right after, so it may start
 * servers in its constructor and stop them in {@link #close()}.
 */
public interface Suite extends AutoCloseable {

  /** @return the id used on the command line and as the RESULTS.md section name, e.g. {@code memory} */
  String id();

  /** @return the section heading, e.g. {@code In-memory event store} */
  String title();

  /** @return one or two sentences for the section: what is compared with what */
  String description();

  /** @return facts beyond the machine's that the numbers depend on, e.g. the nats-server version */
  default Map<String, String> facts() {
    return Map.of();
  }

  /** @return the cases, in the order they are measured and reported */
  List<Case> cases();

  /**
   * Markdown added to the section after the results table, made from the results: for example whether the
   * suite's goals are met, or an analysis. The default adds nothing.
   *
   * @param results the results of {@link #cases()}, in order
   * @return markdown, or an empty string
   */
  default String notes(List<Result> results) {
    return "";
  }

  /** Releases what the suite started; wraps checked failures in unchecked ones. The default does nothing. */
  @Override
  default void close() {}
}
