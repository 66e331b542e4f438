package dev.aether.bench;

/**
 * One measured piece of work. The {@link Runner} calls {@link #setUp()}, then times {@link #run()}, then
 * calls {@link #tearDown()}, once per run; only {@code run()} is timed.
 *
 * <p>A benchmark checks in {@code run()} or {@code tearDown()} that it really did its work (for example
 * that the store holds the expected version) and throws when it did not; it never checks how long it took.
 * Implementations are used by one thread at a time.
 */
public interface Benchmark {

  /**
   * Prepares one run: fresh state and inputs. Not timed.
   *
   * @throws Exception when the preparation fails; the whole suite stops
   */
  default void setUp() throws Exception {}

  /**
   * Does the timed work of one run.
   *
   * @return the number of operations done, the same in every run
   * @throws Exception when the work fails; the whole suite stops
   */
  long run() throws Exception;

  /**
   * Checks and releases what one run made. Not timed.
   *
   * @throws Exception when the run did not do its work; the whole suite stops
   */
  default void tearDown() throws Exception {}

  /**
   * Whether the runner requests a full GC before each timed run (outside the timing), so that no garbage of
   * one run is collected in the next. A benchmark whose steady state includes collecting earlier garbage
   * answers false.
   *
   * @return true by default
   */
  default boolean collectBeforeRun() {
    return true;
  }
}
