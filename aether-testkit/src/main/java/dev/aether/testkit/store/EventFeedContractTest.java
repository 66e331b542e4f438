package dev.aether.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.store.EventFeed;
import dev.aether.store.EventStore;
import dev.aether.store.FeedClosedException;
import dev.aether.store.FeedDelivery;
import dev.aether.store.FeedEntry;
import dev.aether.store.FeedPosition;
import dev.aether.store.FeedReader;
import dev.aether.store.FeedStart;
import dev.aether.store.SharedFeed;
import dev.aether.store.SharedFeedOptions;
import dev.aether.store.UnreadableFeedRecordException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link EventFeed} must have, as an abstract JUnit 5 test class: each store's test class
 * extends it and passes the identical tests.
 *
 * <h2>How to extend</h2>
 * <pre>{@code
 * class MyEventFeedContractTest extends EventFeedContractTest {
 *   @Override
 *   protected EventStore createStore() {
 *     return MyEventStore.create(freshNamespace());   // an EventStore that implements EventFeed
 *   }
 * }
 * }</pre>
 * Before each test the suite calls {@link #createStore()}; it must return a store (an {@link EventStore}
 * that implements {@link EventFeed}) whose feed holds no events yet (a fresh namespace, or a fresh in-memory
 * store), because the feed reads every stream of its namespace. {@link #createSecondWriter()} gives another
 * store instance on the same namespace (another connection); the default returns the test's store, for stores
 * whose instances cannot share their storage (in memory). {@link #writeUndecodableRecord} writes a record the
 * store cannot decode; the default cannot, which switches that test off (a store holding decoded events only
 * has no such records). The suite closes every store, reader and shared feed it opened.
 *
 * <h2>What it checks</h2>
 * From the beginning: every event of every stream, each stream in version order, each stream in one
 * partition; positions that advance and end at {@link EventFeed#head()}; resuming after every position
 * (including positions inside a multi-event commit, and positions read back from their text) with no gap and
 * no duplicate; {@link FeedReader#pollEvents} giving the same events and positions as {@link FeedReader#poll};
 * from now: only later events; a second writer's events; a poll that waits for an event stored
 * meanwhile; a closed reader; shared groups: one commit in flight handed to one member at a time, two members
 * splitting a log with each event acknowledged once, a crashed member's deliveries coming back to another
 * (attempt 2), nak, strict order with one commit in flight, groups that outlive their members; bad arguments
 * refused with an {@link InvalidInputException} naming the argument; undecodable records never skipped.
 * Waits are bounded by {@link #PATIENCE} (a failure bound, not a timing assertion) and use the feed's own
 * blocking polls, never sleeps.
 *
 * <p>This file is longer than our usual limit because it is a specification: one short test per rule.
 */
public abstract class EventFeedContractTest {

  /** The longest any test waits for something that must happen; only a bound for failing, never measured. */
  protected static final Duration PATIENCE = Duration.ofSeconds(30);
  /** A poll's wait in the tests. */
  private static final Duration POLL_WAIT = Duration.ofMillis(500);
  /** A short ack timeout for the redelivery tests. */
  private static final Duration SHORT_ACK_TIMEOUT = Duration.ofSeconds(1);

  private final List<AutoCloseable> opened = new ArrayList<>();
  private EventStore store;

  /**
   * Creates the store of one test: an {@link EventStore} that implements {@link EventFeed}, whose feed holds
   * no events yet.
   *
   * @return a new store, ready to use; the suite closes it
   */
  protected abstract EventStore createStore();

  /**
   * Creates another store instance writing to the same namespace as the test's store (for example over
   * another connection), so that a reader of one sees the other's events. The default returns the test's
   * store itself, for stores whose instances cannot share their storage.
   *
   * @return the second writer; the suite closes it
   */
  protected EventStore createSecondWriter() {
    return store;
  }

  /**
   * Stores, behind the store's back, a record of a stream that the store cannot decode. The default returns
   * empty (the store holds decoded events only), which switches the undecodable-record test off.
   *
   * @param streamId the stream
   * @param bytes the record's bytes
   * @return the record's commit sequence in its partition; empty when the store cannot hold such records
   */
  protected OptionalLong writeUndecodableRecord(String streamId, byte[] bytes) {
    return OptionalLong.empty();
  }

  /** @return the test's store */
  protected final EventStore store() {
    return store;
  }

  /** @return the test's store as a feed */
  protected final EventFeed feed() {
    return (EventFeed) store;
  }

  @BeforeEach
  final void openTheStore() {
    store = createStore();
    opened.add(store);
    assertThat(store).as("the store must implement EventFeed").isInstanceOf(EventFeed.class);
  }

  @AfterEach
  final void closeEverything() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    opened.clear();
  }

  // ---- plain reader: from the beginning

  @Test
  void fromBeginning_deliversEveryEventOfEveryStream_inVersionOrderPerStream() {
    Map<String, List<Event>> written = writeInterleaved(5, 4);
    int total = written.values().stream().mapToInt(List::size).sum();

    List<FeedEntry> entries = readAll(open(FeedStart.beginning()), total);

    assertThat(entries).hasSize(total);
    Map<String, List<Event>> read = byStream(entries);
    assertThat(read).isEqualTo(written);
    Map<String, Integer> partitionOf = new HashMap<>();
    for (FeedEntry entry : entries) {
      assertThat(partitionOf.merge(entry.event().streamId(), entry.partition(), (a, b) -> a.equals(b) ? a : -1))
          .as("every event of a stream is in one partition").isNotNegative();
    }
  }

  @Test
  void positions_advancePerPartition_andEndAtTheHead() {
    writeInterleaved(3, 3);
    FeedPosition head = feed().head();
    FeedReader reader = open(FeedStart.beginning());

    List<FeedEntry> entries = readUntilCovers(reader, head);

    FeedPosition previous = FeedPosition.START;
    for (FeedEntry entry : entries) {
      assertThat(entry.position().isAfter(previous)).as("%s after %s", entry.position(), previous).isTrue();
      assertThat(entry.position().partitions()).contains(entry.partition());
      previous = entry.position();
    }
    assertThat(reader.position()).isEqualTo(previous).isEqualTo(head);
    assertThat(feed().head()).isEqualTo(head);
  }

  @Test
  void emptyFeed_hasHeadStart_andAPollReturnsNothing() {
    assertThat(feed().head()).isEqualTo(FeedPosition.START);
    FeedReader reader = open(FeedStart.beginning());

    assertThat(reader.poll(10, Duration.ZERO)).isEmpty();
    assertThat(reader.poll(10, Duration.ofMillis(50))).isEmpty();
    assertThat(reader.position()).isEqualTo(FeedPosition.START);
  }

  @Test
  void poll_returnsAtMostMax_andSplitsACommitAcrossPolls() {
    String streamId = newStreamId();
    List<Event> commit = append(streamId, 0, 5);
    FeedReader reader = open(FeedStart.beginning());

    List<FeedEntry> first = pollUntilSome(reader, 2);
    List<FeedEntry> rest = readAll(reader, 5 - first.size());

    assertThat(first).hasSizeBetween(1, 2);
    assertThat(reader.position().eventIndex(first.getFirst().partition())).isEmpty();
    assertThat(first.getLast().position().eventIndex(first.getLast().partition())).hasValue(first.size() - 1);
    assertThat(events(first, rest)).containsExactlyElementsOf(commit);
  }

  @Test
  void pollEvents_givesTheEventsOfPoll_andAfterEachCallThePositionPollWouldGive() {
    writeInterleaved(3, 3);
    FeedPosition head = feed().head();
    Map<String, FeedEntry> entryOf = new HashMap<>();
    readUntilCovers(open(FeedStart.beginning()), head).forEach(entry -> entryOf.put(entry.event().id(), entry));
    FeedReader reader = open(FeedStart.beginning());

    List<Event> events = new ArrayList<>();
    FeedPosition expected = FeedPosition.START;
    long deadline = deadline();
    while (events.size() < entryOf.size()) {
      if (System.nanoTime() - deadline > 0) {
        fail("only " + events.size() + " of " + entryOf.size() + " events within " + PATIENCE);
      }
      List<Event> some = reader.pollEvents(2, POLL_WAIT); // 2: commits of 3 are split across calls
      assertThat(some).hasSizeLessThanOrEqualTo(2);
      for (Event event : some) {
        FeedEntry entry = entryOf.get(event.id());
        assertThat(entry).as("event %s was read by poll", event.id()).isNotNull();
        assertThat(event).isEqualTo(entry.event());
        expected = movedTo(expected, own(entry));
      }
      events.addAll(some);
      assertThat(reader.position()).as("after %s events", events.size()).isEqualTo(expected);
    }

    assertThat(byStreamOf(events)).isEqualTo(byStream(List.copyOf(entryOf.values()).stream()
        .sorted(java.util.Comparator.comparingLong((FeedEntry e) -> e.event().version())).toList()));
    assertThat(reader.position()).isEqualTo(head);
  }

  /** A position with the partition of {@code mark} (a one-partition position) moved to it. */
  private static FeedPosition movedTo(FeedPosition position, FeedPosition mark) {
    int p = mark.partitions().getFirst();
    return mark.eventIndex(p).isPresent() ? position.with(p, mark.sequence(p), mark.eventIndex(p).getAsInt())
        : position.with(p, mark.sequence(p));
  }

  private static Map<String, List<Event>> byStreamOf(List<Event> events) {
    Map<String, List<Event>> byStream = new HashMap<>();
    events.forEach(event -> byStream.computeIfAbsent(event.streamId(), s -> new ArrayList<>()).add(event));
    return byStream;
  }

  // ---- plain reader: resuming

  @Test
  void resume_afterEveryPosition_givesNoGapAndNoDuplicate() {
    String a = newStreamId();
    String b = newStreamId();
    append(a, 0, 3);
    append(b, 0, 1);
    append(a, 3, 1);
    append(b, 1, 2);
    List<FeedEntry> all = readAll(open(FeedStart.beginning()), 7);

    for (int k = 0; k < all.size(); k++) {
      FeedPosition checkpoint = FeedPosition.parse(all.get(k).position().toString());
      // what the checkpoint does not cover, per partition in order (partitions may interleave differently)
      List<FeedEntry> expected = all.stream().filter(e -> !checkpoint.covers(own(e))).toList();
      List<FeedEntry> resumed = readAll(open(FeedStart.after(checkpoint)), expected.size());
      assertThat(idsByPartition(resumed)).as("after entry %s (%s)", k, checkpoint).isEqualTo(idsByPartition(expected));
    }
  }

  /** An entry's own position: only its partition, at the entry. */
  private static FeedPosition own(FeedEntry entry) {
    int p = entry.partition();
    long sequence = entry.position().sequence(p);
    return entry.position().eventIndex(p).isPresent()
        ? FeedPosition.START.with(p, sequence, entry.position().eventIndex(p).getAsInt())
        : FeedPosition.START.with(p, sequence);
  }

  private static Map<Integer, List<String>> idsByPartition(List<FeedEntry> entries) {
    Map<Integer, List<String>> byPartition = new HashMap<>();
    for (FeedEntry entry : entries) {
      byPartition.computeIfAbsent(entry.partition(), p -> new ArrayList<>()).add(entry.event().id());
    }
    return byPartition;
  }

  @Test
  void resume_inTheMiddleOfAMultiEventCommit_deliversTheRestOfIt() {
    String streamId = newStreamId();
    List<Event> commit = append(streamId, 0, 4);
    FeedReader first = open(FeedStart.beginning());
    List<FeedEntry> one = pollUntilSome(first, 1);
    FeedPosition checkpoint = first.position();
    first.close();

    List<FeedEntry> rest = readAll(open(FeedStart.after(checkpoint)), 3);

    assertThat(checkpoint.eventIndex(one.getFirst().partition())).hasValue(0);
    assertThat(events(one, rest)).containsExactlyElementsOf(commit);
  }

  @Test
  void resume_afterTheHead_waitsForLaterEvents_andAfterStartReadsEverything() {
    String streamId = newStreamId();
    append(streamId, 0, 2);
    FeedPosition head = feed().head();
    FeedReader afterHead = open(FeedStart.after(head));
    FeedReader afterStart = open(FeedStart.after(FeedPosition.START));

    assertThat(afterHead.poll(10, Duration.ofMillis(50))).isEmpty();
    assertThat(afterHead.position()).isEqualTo(head);
    Event later = append(streamId, 2, 1).getFirst();

    assertThat(events(readAll(afterHead, 1))).containsExactly(later);
    assertThat(readAll(afterStart, 3)).hasSize(3);
  }

  // ---- plain reader: from now, other writers, waiting

  @Test
  void fromNow_seesOnlyEventsStoredAfterOpening() {
    String streamId = newStreamId();
    append(streamId, 0, 3);
    FeedPosition head = feed().head();
    FeedReader reader = open(FeedStart.now());
    assertThat(reader.position()).isEqualTo(head);

    List<Event> later = append(streamId, 3, 2);

    assertThat(events(readAll(reader, 2))).containsExactlyElementsOf(later);
    assertThat(reader.poll(10, Duration.ofMillis(50))).isEmpty();
  }

  @Test
  void aSecondWriter_isSeenByAReaderOfTheFirstStore() {
    EventStore second = createSecondWriter();
    if (second != store) {
      opened.add(second);
    }
    FeedReader reader = open(FeedStart.beginning());
    String streamId = newStreamId();

    List<Event> written = new ArrayList<>(append(second, streamId, 0, 2));
    written.addAll(append(store, streamId, 2, 1));

    assertThat(events(readAll(reader, 3))).containsExactlyElementsOf(written);
    assertThat(reader.position()).isEqualTo(feed().head());
  }

  @Test
  void poll_waitingForAnEvent_returnsItOnceStored() throws Exception {
    FeedReader reader = open(FeedStart.beginning());
    CompletableFuture<List<FeedEntry>> waiting = CompletableFuture.supplyAsync(() -> reader.poll(10, PATIENCE),
        runnable -> Thread.ofVirtual().start(runnable));
    String streamId = newStreamId();

    List<Event> written = append(streamId, 0, 1);

    assertThat(events(waiting.get(PATIENCE.toSeconds() + 5, TimeUnit.SECONDS))).containsExactlyElementsOf(written);
  }

  @Test
  void poll_withAnEndlessWait_waitsForTheEvent() throws Exception {
    FeedReader reader = open(FeedStart.beginning());
    String group = newGroup();
    SharedFeed member = openShared(group, FeedStart.beginning(), SharedFeedOptions.DEFAULTS);
    Duration endless = Duration.ofSeconds(Long.MAX_VALUE);
    CompletableFuture<List<FeedEntry>> read = CompletableFuture.supplyAsync(() -> reader.poll(10, endless),
        runnable -> Thread.ofVirtual().start(runnable));
    CompletableFuture<List<FeedDelivery>> delivered = CompletableFuture.supplyAsync(() -> member.poll(10, endless),
        runnable -> Thread.ofVirtual().start(runnable));
    awaitWaiting(read);
    awaitWaiting(delivered);

    List<Event> written = append(newStreamId(), 0, 1);

    assertThat(events(read.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))).containsExactlyElementsOf(written);
    List<FeedDelivery> deliveries = delivered.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    deliveries.forEach(FeedDelivery::ack);
    assertThat(deliveredEvents(deliveries)).containsExactlyElementsOf(written);
  }

  // ---- plain reader: closing and errors

  @Test
  void closedReader_refusesPolls_withFeedClosedException() {
    FeedReader reader = open(FeedStart.beginning());
    reader.close();
    reader.close();

    assertThatThrownBy(() -> reader.poll(1, Duration.ZERO)).isInstanceOf(FeedClosedException.class);
  }

  @Test
  void close_endsAPollWaitingInAnotherThread() throws Exception {
    FeedReader reader = open(FeedStart.beginning());
    CompletableFuture<List<FeedEntry>> waiting = CompletableFuture.supplyAsync(() -> reader.poll(10, PATIENCE),
        runnable -> Thread.ofVirtual().start(runnable));
    awaitWaiting(waiting);

    reader.close();

    assertThat(waiting).failsWithin(PATIENCE).withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(FeedClosedException.class);
  }

  @Test
  void undecodableRecord_isNeverSkipped_andCanBeSkippedDeliberately() {
    String streamId = newStreamId();
    List<Event> before = append(streamId, 0, 2);
    OptionalLong sequence = writeUndecodableRecord(streamId, "not json".getBytes(StandardCharsets.UTF_8));
    assumeTrue(sequence.isPresent(), "this store holds decoded events only");
    String other = newStreamId();
    List<Event> after = append(other, 0, 1);
    FeedReader reader = open(FeedStart.beginning());

    List<FeedEntry> readable = new ArrayList<>();
    UnreadableFeedRecordException failure = pollUntilFailure(reader, readable);

    assertThat(failure.error().position()).isEqualTo(sequence.getAsLong());
    assertThat(failure.error().rawData()).isEqualTo("not json".getBytes(StandardCharsets.UTF_8));
    assertThat(events(readable)).containsAll(before);
    FeedPosition stuck = reader.position();
    assertThatThrownBy(() -> reader.poll(10, Duration.ZERO)).isInstanceOf(UnreadableFeedRecordException.class);
    assertThat(reader.position()).isEqualTo(stuck);
    assertThat(failure.positionAfter().sequence(failure.partition())).isEqualTo(sequence.getAsLong());
    assertThat(failure.positionAfter().eventIndex(failure.partition())).isEmpty();

    FeedReader skipping = open(FeedStart.after(failure.positionAfter()));
    if (events(readable).containsAll(after)) {
      assertThat(skipping.poll(10, Duration.ofMillis(200))).isEmpty();
    } else {
      assertThat(events(readAll(skipping, 1))).containsExactlyElementsOf(after);
    }
  }

  // ---- bad input

  @Test
  void badArguments_areRefused_namingTheArgument() {
    FeedReader reader = open(FeedStart.beginning());
    SharedFeed member = openShared(newGroup(), FeedStart.beginning(), SharedFeedOptions.DEFAULTS);

    assertRefused(() -> feed().openFeed(null), "start");
    assertRefused(() -> feed().openFeed(FeedStart.after(FeedPosition.START.with(FeedPosition.MAX_PARTITION, 1))),
        "start");
    assertRefused(() -> FeedPosition.parse("0:x"), "position");
    assertRefused(() -> FeedStart.after(null), "position");
    assertRefused(() -> reader.poll(0, Duration.ZERO), "max");
    assertRefused(() -> reader.poll(-1, Duration.ZERO), "max");
    assertRefused(() -> reader.poll(1, null), "wait");
    assertRefused(() -> reader.poll(1, Duration.ofMillis(-1)), "wait");
    assertRefused(() -> member.poll(0, Duration.ZERO), "max");
    assertRefused(() -> member.poll(1, Duration.ofMillis(-1)), "wait");
    for (String group : new String[] {null, "", " ", "a.b", "a b", "a*", ">", "a/b", "a\\b", "\u00e9t\u00e9",
        "x".repeat(SharedFeedOptions.MAX_GROUP_LENGTH + 1)}) {
      assertRefused(() -> feed().openShared(group, FeedStart.beginning(), SharedFeedOptions.DEFAULTS), "group");
    }
    assertRefused(() -> feed().openShared(newGroup(), null, SharedFeedOptions.DEFAULTS), "startIfNew");
    assertRefused(() -> feed().openShared(newGroup(), FeedStart.after(FeedPosition.START.with(1000, 1)),
        SharedFeedOptions.DEFAULTS), "startIfNew");
    assertRefused(() -> feed().openShared(newGroup(), FeedStart.beginning(), null), "options");
  }

  @Test
  void delivery_refusesABadNakDelay() {
    append(newStreamId(), 0, 1);
    SharedFeed member = openShared(newGroup(), FeedStart.beginning(), SharedFeedOptions.DEFAULTS);
    FeedDelivery delivery = pollDeliveries(member, 1).getFirst();

    assertRefused(() -> delivery.nak(null), "delay");
    assertRefused(() -> delivery.nak(Duration.ofSeconds(-1)), "delay");
    delivery.ack();
  }

  // ---- shared groups

  @Test
  void shared_deliversEveryEventOnce_whenAcknowledged() {
    Map<String, List<Event>> written = writeInterleaved(3, 3);
    int total = written.values().stream().mapToInt(List::size).sum();
    SharedFeed member = openShared(newGroup(), FeedStart.beginning(), SharedFeedOptions.DEFAULTS);

    List<FeedDelivery> deliveries = pollDeliveries(member, total);
    deliveries.forEach(FeedDelivery::ack);

    assertThat(byStream(deliveries.stream().map(FeedDelivery::entry).toList())).isEqualTo(written);
    assertThat(deliveries).allSatisfy(d -> assertThat(d.attempt()).isEqualTo(1));
    assertThat(member.poll(10, Duration.ofMillis(200))).isEmpty();
    assertThat(member.group()).isNotBlank();
  }

  @Test
  void shared_backlog_countsTheCommitsNotYetAcknowledged_handedOutOrNot() {
    SharedFeed member = openShared(newGroup(), FeedStart.now(), SharedFeedOptions.DEFAULTS);
    assertThat(member.backlog()).isZero();
    for (int i = 0; i < 3; i++) {
      append(newStreamId(), 0, 2); // three commits of two events, on whatever partitions their streams fall
    }
    assertThat(member.backlog()).isEqualTo(3);

    List<FeedDelivery> deliveries = pollDeliveries(member, 6);
    assertThat(member.backlog()).as("handed out, not acknowledged").isEqualTo(3);
    FeedEntry one = deliveries.getFirst().entry();
    long commit = one.position().sequence(one.partition());
    deliveries.stream().filter(d -> d.entry().partition() == one.partition()
        && d.entry().position().sequence(one.partition()) == commit).forEach(FeedDelivery::ack);
    assertThat(member.backlog()).as("one commit settled").isEqualTo(2);
    deliveries.forEach(FeedDelivery::ack);
    assertThat(member.backlog()).isZero();

    member.close();
    assertThatThrownBy(member::backlog).isInstanceOf(FeedClosedException.class);
  }

  @Test
  void shared_oneCommitInFlight_isHandedToOneMemberAtATime() {
    String streamId = newStreamId();
    List<Event> first = append(streamId, 0, 2);
    List<Event> second = append(streamId, 2, 1);
    String group = newGroup();
    SharedFeedOptions options = SharedFeedOptions.builder().maxInFlight(1).build();
    SharedFeed a = openShared(group, FeedStart.beginning(), options);
    SharedFeed b = openShared(group, FeedStart.beginning(), options);

    List<FeedDelivery> toA = pollDeliveries(a, 2);
    assertThat(b.poll(10, Duration.ofMillis(300))).isEmpty();
    toA.forEach(FeedDelivery::ack);
    List<FeedDelivery> toB = pollDeliveries(b, 1);

    assertThat(deliveredEvents(toA)).containsExactlyElementsOf(first);
    assertThat(deliveredEvents(toB)).containsExactlyElementsOf(second);
    toB.forEach(FeedDelivery::ack);
  }

  @Test
  void shared_twoMembers_splitTheEvents_eachAcknowledgedOnce() throws Exception {
    Map<String, List<Event>> written = writeInterleaved(4, 6);
    int total = written.values().stream().mapToInt(List::size).sum();
    String group = newGroup();
    SharedFeed a = openShared(group, FeedStart.beginning(), SharedFeedOptions.DEFAULTS);
    SharedFeed b = openShared(group, FeedStart.beginning(), SharedFeedOptions.DEFAULTS);
    Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
    List<FeedEntry> all = java.util.Collections.synchronizedList(new ArrayList<>());

    CompletableFuture<Void> runA = drainInBackground(a, handled, all, total);
    CompletableFuture<Void> runB = drainInBackground(b, handled, all, total);
    runA.get(PATIENCE.toSeconds() * 2, TimeUnit.SECONDS);
    runB.get(PATIENCE.toSeconds() * 2, TimeUnit.SECONDS);

    assertThat(handled).hasSize(total).allSatisfy((id, count) -> assertThat(count.get()).as(id).isEqualTo(1));
    assertThat(byStream(List.copyOf(all)).keySet()).isEqualTo(written.keySet());
  }

  @Test
  void shared_aMemberThatClosesWithoutAcknowledging_losesItsDeliveriesToAnother() {
    String streamId = newStreamId();
    List<Event> commit = append(streamId, 0, 2);
    String group = newGroup();
    SharedFeedOptions options = SharedFeedOptions.builder().ackTimeout(SHORT_ACK_TIMEOUT).build();
    SharedFeed crashing = openShared(group, FeedStart.beginning(), options);
    List<FeedDelivery> lost = pollDeliveries(crashing, 2);
    crashing.close();
    SharedFeed survivor = openShared(group, FeedStart.beginning(), options);

    List<FeedDelivery> again = pollDeliveries(survivor, 2);
    again.forEach(FeedDelivery::ack);

    assertThat(deliveredEvents(lost)).containsExactlyElementsOf(commit);
    assertThat(deliveredEvents(again)).containsExactlyElementsOf(commit);
    assertThat(lost).allSatisfy(d -> assertThat(d.attempt()).isEqualTo(1));
    // 2, or more on a machine so slow that a redelivery timed out too before a member took it
    assertThat(again).allSatisfy(d -> assertThat(d.attempt()).isGreaterThanOrEqualTo(2));
    assertThat(survivor.poll(10, Duration.ofMillis(200))).isEmpty();
  }

  @Test
  void shared_aDeliveryKeptInProgress_staysWithItsMemberPastTheAckTimeout_andASettledOneCannotBeKept() {
    String streamId = newStreamId();
    List<Event> commit = append(streamId, 0, 2);
    String group = newGroup();
    SharedFeedOptions options = SharedFeedOptions.builder().ackTimeout(SHORT_ACK_TIMEOUT).build();
    SharedFeed working = openShared(group, FeedStart.beginning(), options);
    SharedFeed other = openShared(group, FeedStart.beginning(), options);
    List<FeedDelivery> held = pollDeliveries(working, 2);
    held.getFirst().ack(); // the commit is settled only with both events

    // three ack timeouts long, the second event is kept every third of one while the other member polls
    List<FeedDelivery> taken = new ArrayList<>();
    long until = System.nanoTime() + 3 * SHORT_ACK_TIMEOUT.toNanos();
    while (System.nanoTime() < until) {
      held.get(1).inProgress();
      taken.addAll(other.poll(10, SHORT_ACK_TIMEOUT.dividedBy(3)));
    }
    assertThat(taken).as("handed out while its member kept it").isEmpty();

    // "kept" through the settled first event only: that does nothing, the commit comes back
    long patience = System.nanoTime() + PATIENCE.toNanos();
    while (taken.size() < 2 && System.nanoTime() < patience) {
      held.getFirst().inProgress();
      taken.addAll(other.poll(10, SHORT_ACK_TIMEOUT.dividedBy(3)));
    }
    taken.forEach(FeedDelivery::ack);
    assertThat(deliveredEvents(taken)).containsExactlyElementsOf(commit);
    assertThat(taken).allSatisfy(d -> assertThat(d.attempt()).isGreaterThanOrEqualTo(2));
  }

  @Test
  void shared_aCommitLargerThanAPoll_staysWithItsMemberWhileItPollsWithinTheAckTimeout() {
    String streamId = newStreamId();
    List<Event> commit = append(streamId, 0, 6);
    String group = newGroup();
    SharedFeedOptions options = SharedFeedOptions.builder().ackTimeout(SHORT_ACK_TIMEOUT).build();
    SharedFeed working = openShared(group, FeedStart.beginning(), options);
    SharedFeed other = openShared(group, FeedStart.beginning(), options);

    // one event per poll, each handled for a third of an ack timeout while the other member polls: the commit's
    // six events take two ack timeouts, each part handed out with a fresh one
    List<FeedDelivery> handled = new ArrayList<>();
    List<FeedDelivery> taken = new ArrayList<>();
    while (handled.size() < commit.size()) {
      List<FeedDelivery> one = pollDeliveries(working, 1);
      long until = System.nanoTime() + SHORT_ACK_TIMEOUT.toNanos() / 3;
      while (System.nanoTime() < until) {
        taken.addAll(other.poll(10, SHORT_ACK_TIMEOUT.dividedBy(10)));
      }
      one.forEach(FeedDelivery::ack);
      handled.addAll(one);
    }

    assertThat(taken).as("handed to the other member while the first was polling its parts").isEmpty();
    assertThat(deliveredEvents(handled)).containsExactlyElementsOf(commit);
    assertThat(handled).as("each part handed out once").allSatisfy(d -> assertThat(d.attempt()).isEqualTo(1));
  }

  @Test
  void shared_anUnacknowledgedDelivery_comesBackAfterTheAckTimeout() {
    String streamId = newStreamId();
    List<Event> commit = append(streamId, 0, 1);
    SharedFeed member = openShared(newGroup(), FeedStart.beginning(),
        SharedFeedOptions.builder().ackTimeout(SHORT_ACK_TIMEOUT).build());

    List<FeedDelivery> first = pollDeliveries(member, 1);
    List<FeedDelivery> second = pollDeliveries(member, 1);
    second.getFirst().ack();

    assertThat(deliveredEvents(first)).isEqualTo(deliveredEvents(second)).isEqualTo(commit);
    assertThat(first.getFirst().attempt()).isEqualTo(1);
    // 2, or more on a machine so slow that a redelivery timed out too before the member took it
    assertThat(second.getFirst().attempt()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void shared_nak_redeliversTheWholeCommit() {
    String streamId = newStreamId();
    List<Event> commit = append(streamId, 0, 2);
    SharedFeed member = openShared(newGroup(), FeedStart.beginning(), SharedFeedOptions.DEFAULTS);

    List<FeedDelivery> first = pollDeliveries(member, 2);
    first.get(0).ack();
    first.get(1).nak(Duration.ZERO);
    List<FeedDelivery> again = pollDeliveries(member, 2);
    again.forEach(FeedDelivery::ack);

    assertThat(deliveredEvents(again)).containsExactlyElementsOf(commit);
    assertThat(again).allSatisfy(d -> assertThat(d.attempt()).isEqualTo(2));
    assertThat(member.poll(10, Duration.ofMillis(200))).isEmpty();
  }

  @Test
  void shared_withOneCommitInFlight_aNakkedCommitComesBackBeforeLaterOnes() {
    String streamId = newStreamId();
    List<Event> first = append(streamId, 0, 1);
    List<Event> second = append(streamId, 1, 1);
    SharedFeed member = openShared(newGroup(), FeedStart.beginning(),
        SharedFeedOptions.builder().maxInFlight(1).build());

    FeedDelivery one = pollDeliveries(member, 1).getFirst();
    one.nak(Duration.ZERO);
    FeedDelivery oneAgain = pollDeliveries(member, 1).getFirst();
    oneAgain.ack();
    FeedDelivery two = pollDeliveries(member, 1).getFirst();
    two.ack();

    assertThat(one.entry().event()).isEqualTo(first.getFirst());
    assertThat(oneAgain.entry().event()).isEqualTo(first.getFirst());
    assertThat(oneAgain.attempt()).isEqualTo(2);
    assertThat(two.entry().event()).isEqualTo(second.getFirst());
  }

  @Test
  void shared_groupKeepsItsProgress_acrossMembers_andStartIfNewAppliesOnlyToANewGroup() {
    String streamId = newStreamId();
    List<Event> early = append(streamId, 0, 2);
    String group = newGroup();
    SharedFeed first = openShared(group, FeedStart.beginning(), SharedFeedOptions.DEFAULTS);
    pollDeliveries(first, 2).forEach(FeedDelivery::ack);
    first.close();
    List<Event> later = append(streamId, 2, 1);

    SharedFeed next = openShared(group, FeedStart.beginning(), SharedFeedOptions.DEFAULTS);
    List<FeedDelivery> deliveries = pollDeliveries(next, 1);
    deliveries.forEach(FeedDelivery::ack);
    SharedFeed fresh = openShared(newGroup(), FeedStart.now(), SharedFeedOptions.DEFAULTS);

    assertThat(deliveredEvents(deliveries)).containsExactlyElementsOf(later);
    assertThat(early).hasSize(2);
    assertThat(fresh.poll(10, Duration.ofMillis(200))).isEmpty();
  }

  @Test
  void shared_startIfNewAfterAPositionInsideACommit_skipsTheEventsBefore() {
    String streamId = newStreamId();
    List<Event> commit = append(streamId, 0, 3);
    FeedReader reader = open(FeedStart.beginning());
    pollUntilSome(reader, 1);
    FeedPosition inside = reader.position();
    SharedFeed member = openShared(newGroup(), FeedStart.after(inside), SharedFeedOptions.DEFAULTS);

    List<FeedDelivery> deliveries = pollDeliveries(member, 2);
    deliveries.forEach(FeedDelivery::ack);

    assertThat(deliveredEvents(deliveries)).containsExactlyElementsOf(commit.subList(1, 3));
    assertThat(member.poll(10, Duration.ofMillis(200))).isEmpty();
  }

  @Test
  void closedMember_refusesPolls_withFeedClosedException() {
    SharedFeed member = openShared(newGroup(), FeedStart.beginning(), SharedFeedOptions.DEFAULTS);
    member.close();
    member.close();

    assertThatThrownBy(() -> member.poll(1, Duration.ZERO)).isInstanceOf(FeedClosedException.class);
  }

  // ---- helpers

  /** @return a fresh stream id */
  protected static String newStreamId() {
    return ContractData.newStreamId();
  }

  /** @return a fresh group name */
  protected static String newGroup() {
    return "g-" + UUID.randomUUID().toString().substring(0, 18);
  }

  /**
   * Makes a simple event.
   *
   * @param streamId the stream
   * @param version the version
   * @return an event of type {@code FeedTested}
   */
  protected static Event event(String streamId, long version) {
    return Event.builder().eventType("FeedTested").streamId(streamId).version(version)
        .data(Map.of("version", version)).build();
  }

  private List<Event> append(String streamId, long expected, int count) {
    return append(store, streamId, expected, count);
  }

  private static List<Event> append(EventStore target, String streamId, long expected, int count) {
    List<Event> events = LongStream.rangeClosed(expected + 1, expected + count).mapToObj(v -> event(streamId, v)).toList();
    target.append(streamId, expected, events);
    return events;
  }

  /** Writes {@code streams} streams, {@code commits} commits each (1 to 3 events), round-robin. */
  private Map<String, List<Event>> writeInterleaved(int streams, int commits) {
    Map<String, List<Event>> written = new LinkedHashMap<>();
    for (int s = 0; s < streams; s++) {
      written.put(newStreamId(), new ArrayList<>());
    }
    for (int c = 0; c < commits; c++) {
      int size = 1 + c % 3;
      for (Map.Entry<String, List<Event>> stream : written.entrySet()) {
        stream.getValue().addAll(append(stream.getKey(), stream.getValue().size(), size));
      }
    }
    return written;
  }

  private FeedReader open(FeedStart start) {
    FeedReader reader = feed().openFeed(start);
    opened.add(reader);
    return reader;
  }

  private SharedFeed openShared(String group, FeedStart start, SharedFeedOptions options) {
    SharedFeed member = feed().openShared(group, start, options);
    opened.add(member);
    return member;
  }

  private static long deadline() {
    return System.nanoTime() + PATIENCE.toNanos();
  }

  /** Polls until {@code count} entries came; fails after {@link #PATIENCE}. */
  private static List<FeedEntry> readAll(FeedReader reader, int count) {
    List<FeedEntry> entries = new ArrayList<>();
    long deadline = deadline();
    while (entries.size() < count) {
      if (System.nanoTime() - deadline > 0) {
        fail("only " + entries.size() + " of " + count + " entries within " + PATIENCE);
      }
      entries.addAll(reader.poll(count - entries.size(), POLL_WAIT));
    }
    return entries;
  }

  private static List<FeedEntry> readUntilCovers(FeedReader reader, FeedPosition target) {
    List<FeedEntry> entries = new ArrayList<>();
    long deadline = deadline();
    while (!reader.position().covers(target)) {
      if (System.nanoTime() - deadline > 0) {
        fail("the reader did not reach " + target + " within " + PATIENCE + ": at " + reader.position());
      }
      entries.addAll(reader.poll(100, POLL_WAIT));
    }
    return entries;
  }

  private static List<FeedEntry> pollUntilSome(FeedReader reader, int max) {
    long deadline = deadline();
    while (System.nanoTime() - deadline < 0) {
      List<FeedEntry> some = reader.poll(max, POLL_WAIT);
      if (!some.isEmpty()) {
        return some;
      }
    }
    return fail("no entry within " + PATIENCE);
  }

  private static UnreadableFeedRecordException pollUntilFailure(FeedReader reader, List<FeedEntry> readable) {
    long deadline = deadline();
    while (System.nanoTime() - deadline < 0) {
      try {
        readable.addAll(reader.poll(100, POLL_WAIT));
      } catch (UnreadableFeedRecordException e) {
        return e;
      }
    }
    return fail("the undecodable record was not reported within " + PATIENCE);
  }

  /** Polls a member until {@code count} deliveries came; fails after {@link #PATIENCE}. */
  private static List<FeedDelivery> pollDeliveries(SharedFeed member, int count) {
    List<FeedDelivery> deliveries = new ArrayList<>();
    long deadline = deadline();
    while (deliveries.size() < count) {
      if (System.nanoTime() - deadline > 0) {
        fail("only " + deliveries.size() + " of " + count + " deliveries within " + PATIENCE);
      }
      deliveries.addAll(member.poll(count - deliveries.size(), POLL_WAIT));
    }
    return deliveries;
  }

  private static CompletableFuture<Void> drainInBackground(SharedFeed member, Map<String, AtomicInteger> handled,
      List<FeedEntry> all, int total) {
    return CompletableFuture.runAsync(() -> {
      long deadline = deadline();
      while (handled.size() < total && System.nanoTime() - deadline < 0) {
        for (FeedDelivery delivery : member.poll(3, Duration.ofMillis(200))) {
          handled.computeIfAbsent(delivery.entry().event().id(), id -> new AtomicInteger()).incrementAndGet();
          all.add(delivery.entry());
          delivery.ack();
        }
      }
    }, runnable -> Thread.ofVirtual().start(runnable));
  }

  /** Waits until a future has not completed for a while: its poll is (very likely) waiting. */
  private static void awaitWaiting(CompletableFuture<?> future) {
    try {
      future.get(200, TimeUnit.MILLISECONDS);
      fail("the poll returned although nothing was stored");
    } catch (java.util.concurrent.TimeoutException expected) {
      // still waiting
    } catch (Exception e) {
      fail("the poll failed", e);
    }
  }

  private static Map<String, List<Event>> byStream(List<FeedEntry> entries) {
    Map<String, List<Event>> byStream = new LinkedHashMap<>();
    for (FeedEntry entry : entries) {
      byStream.computeIfAbsent(entry.event().streamId(), id -> new ArrayList<>()).add(entry.event());
    }
    return byStream;
  }

  @SafeVarargs
  private static List<Event> events(List<FeedEntry>... lists) {
    List<Event> events = new ArrayList<>();
    for (List<FeedEntry> list : lists) {
      list.forEach(entry -> events.add(entry.event()));
    }
    return events;
  }

  private static List<Event> deliveredEvents(List<FeedDelivery> deliveries) {
    return deliveries.stream().map(d -> d.entry().event()).toList();
  }

  private static void assertRefused(ThrowingCallable call, String field) {
    assertThatThrownBy(call).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.field()).as(e.getMessage()).isEqualTo(field));
  }
}
