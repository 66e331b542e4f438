package dev.aether.testkit.behavior;

import dev.aether.event.Event;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.VirtualMachine;
import dev.aether.runtime.behavior.JavaBehavior;
import dev.aether.runtime.spi.Behavior;
import dev.aether.runtime.spi.NewEvent;
import dev.aether.store.InMemoryEventStore;
import dev.aether.support.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Given / when / then tests of one aggregate's behaviour, without NATS: what Axon's {@code AggregateTestFixture}
 * and Akka's {@code EventSourcedBehaviorTestKit} offer. Each scenario stores its given events for a fresh actor,
 * sends the command through a real {@link Runtime} on an {@link InMemoryEventStore} (the same path as in
 * production: payload mapping, decision, events, idempotency, snapshots), and checks the outcome:
 *
 * <pre>{@code
 * try (BehaviorFixture<Account> account = BehaviorFixture.of(accountBehavior)) {
 *   account.given(new Opened("Ada"), new Deposited(100))
 *       .when("Withdraw", Map.of("amount", 30))
 *       .expectEvents(new Withdrawn(30))
 *       .expectState(state -> assertEquals(70, state.balance()));
 *   account.given(new Opened("Ada"))
 *       .when("Withdraw", Map.of("amount", 30))
 *       .expectRejected(RejectionReason.BUSINESS_RULE, "insufficient funds")
 *       .expectNoEvents();
 * }
 * }</pre>
 *
 * <p>Events, given or expected, are the behaviour's event records (a {@link JavaBehavior}'s registered classes)
 * or {@link NewEvent}s (any behaviour). A failed expectation throws {@link AssertionError} saying what was
 * expected and what happened (also when the actor's state cannot be written as JSON, read back from it, or
 * replayed), so it works with any test framework. A fixture runs one runtime: close it after the tests; every
 * use of a closed fixture, of its scenarios and of their outcomes throws {@link IllegalStateException} ("the
 * fixture is closed"), closing again does nothing. Thread-safe as the runtime is; scenarios of one fixture
 * never share an actor.
 *
 * @param <S> the behaviour's state type
 */
public final class BehaviorFixture<S> implements AutoCloseable {

  private final Behavior<S> behavior;
  private final InMemoryEventStore store = InMemoryEventStore.create();
  private final Runtime runtime;
  private final AtomicLong actors = new AtomicLong();
  private volatile boolean closed;

  private BehaviorFixture(Behavior<S> behavior) {
    this.behavior = behavior;
    this.runtime = Runtime.builder().eventStore(store).behavior(behavior).build();
    runtime.start();
  }

  /**
   * A fixture of one behaviour.
   *
   * @param behavior the aggregate's behaviour
   * @param <S> its state type
   * @return the fixture, running
   * @throws dev.aether.InvalidInputException naming {@code behavior} when null
   */
  public static <S> BehaviorFixture<S> of(Behavior<S> behavior) {
    return new BehaviorFixture<>(Checks.notNull(behavior, "behavior"));
  }

  /**
   * Starts a scenario: a fresh actor whose history is these events, in order (versions 1..n).
   *
   * @param events event records of the behaviour, or {@link NewEvent}s; none for a new actor
   * @return the scenario, ready for {@link Given#when}
   * @throws dev.aether.InvalidInputException naming {@code events[i]} when one is null or is no event
   * @throws IllegalStateException when a record's class is not one of the behaviour's events, or the fixture
   *     is closed
   */
  public Given<S> given(Object... events) {
    checkOpen();
    Checks.notNull(events, "events");
    ActorKey actor = ActorKey.of(behavior.aggregateType(), "fixture-" + actors.incrementAndGet());
    List<Event> history = new ArrayList<>(events.length);
    for (int i = 0; i < events.length; i++) {
      NewEvent event = toNewEvent(Checks.notNull(events[i], "events[" + i + "]"));
      history.add(Event.builder().eventType(event.eventType()).streamId(actor.streamId()).version(i + 1L)
          .data(event.data()).commandId("given-" + (i + 1)).build());
    }
    if (!history.isEmpty()) {
      store.append(actor.streamId(), 0, history);
    }
    return new Given<>(this, actor);
  }

  /** Stops the fixture's runtime; from now on every use of the fixture throws. Idempotent. */
  @Override
  public void close() {
    closed = true;
    runtime.close();
  }

  /** @throws IllegalStateException when the fixture is closed */
  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the fixture is closed");
    }
  }

  private NewEvent toNewEvent(Object event) {
    if (event instanceof NewEvent newEvent) {
      return newEvent;
    }
    if (behavior instanceof JavaBehavior<?> java) {
      return java.toNewEvent(event);
    }
    throw new IllegalStateException("a " + event.getClass().getName() + " is no event of " + behavior
        + ": give NewEvent.of(type, data) for a behaviour that is not a JavaBehavior");
  }

  private Map.Entry<String, Map<String, Object>> toCommand(Object command) {
    Checks.notNull(command, "command");
    if (behavior instanceof JavaBehavior<?> java) {
      return java.toCommand(command);
    }
    throw new IllegalStateException("a command record needs a JavaBehavior; send " + behavior
        + " its commands by name: when(\"Name\", payload)");
  }

  /** The actor's state as the runtime holds it, through its JSON (as a snapshot stores it). */
  private S stateOf(ActorKey actor) {
    checkOpen();
    VirtualMachine vm;
    try {
      vm = runtime.createVM(actor).join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new AssertionError("actor " + actor + " cannot be activated: " + cause.getMessage(), cause);
    }
    Map<String, Object> json;
    try {
      json = vm.getState();
    } catch (RuntimeException e) {
      throw new AssertionError("actor " + actor + ": its state cannot be written as JSON (stateToJson of "
          + behavior + ", as a snapshot writes it): " + e.getMessage(), e);
    }
    try {
      return behavior.stateFromJson(json);
    } catch (RuntimeException e) {
      throw new AssertionError("actor " + actor + ": its state does not read back from its JSON " + json
          + " (stateFromJson of " + behavior + ", as a snapshot is read): " + e.getMessage(), e);
    }
  }

  /** Checks that folding the actor's stored events from the initial state gives the state it has. */
  private void checkRecovers(ActorKey actor) {
    S live = stateOf(actor);
    List<Event> history = store.getEvents(actor.streamId(), 1);
    S replayed = behavior.initialState();
    for (Event event : history) {
      try {
        replayed = behavior.evolve(replayed, event);
      } catch (RuntimeException e) {
        throw new AssertionError("actor " + actor + ": its stored event v" + event.version() + " ("
            + event.eventType() + ") does not replay from the initial state: " + e.getMessage(), e);
      }
    }
    if (!Objects.equals(live, replayed)) {
      throw new AssertionError("the actor's state is " + live + ", but its " + history.size() + " stored events"
          + " replay to " + replayed + ": an event handler depends on something other than the state and the"
          + " event (a clock, a random number, a mutable field), or the state does not survive its JSON");
    }
  }

  /**
   * A scenario's actor, its history stored.
   *
   * @param <S> the behaviour's state type
   */
  public static final class Given<S> {

    private final BehaviorFixture<S> fixture;
    private final ActorKey actor;

    private Given(BehaviorFixture<S> fixture, ActorKey actor) {
      this.fixture = fixture;
      this.actor = actor;
    }

    /**
     * Sends a command to the scenario's actor and waits for its outcome.
     *
     * @param command the command's name
     * @param payload its fields, as a client would send them ({@code null}: none)
     * @return the outcome, to check
     * @throws dev.aether.InvalidInputException naming the refused field of the message
     */
    public Then<S> when(String command, Map<String, ?> payload) {
      return send(RuntimeMessage.builder(actor.aggregateType(), actor.actorId(), command).payload(payload));
    }

    /**
     * Sends a command record of a {@link JavaBehavior} (its registered name, its fields as the payload) and waits
     * for its outcome.
     *
     * @param command an instance of a class the behaviour registered with {@code .command(...)} under one name
     * @return the outcome, to check
     * @throws IllegalStateException when the behaviour is no {@link JavaBehavior}, or the record's class is
     *     registered under no command or several (send it by name then)
     * @throws dev.aether.InvalidInputException naming {@code command} when null
     */
    public Then<S> when(Object command) {
      fixture.checkOpen();
      Map.Entry<String, Map<String, Object>> named = fixture.toCommand(command);
      return when(named.getKey(), named.getValue());
    }

    /**
     * Sends a command with this command id (to test what a resend is answered) and waits for its outcome.
     *
     * @param command the command's name
     * @param payload its fields ({@code null}: none)
     * @param commandId the command id
     * @return the outcome, to check
     * @throws dev.aether.InvalidInputException naming the refused field of the message
     */
    public Then<S> when(String command, Map<String, ?> payload, String commandId) {
      return send(RuntimeMessage.builder(actor.aggregateType(), actor.actorId(), command).payload(payload)
          .commandId(commandId));
    }

    private Then<S> send(RuntimeMessage.Builder message) {
      fixture.checkOpen();
      return new Then<>(this, fixture.runtime.sendMessage(message.build()).join());
    }

    /**
     * @return the actor's state now (after the given events and the commands sent so far)
     * @throws AssertionError when the actor cannot be activated (its history does not replay)
     */
    public S state() {
      return fixture.stateOf(actor);
    }
  }

  /**
   * The outcome of one command of a scenario, and its checks; each check returns this, to chain.
   *
   * @param <S> the behaviour's state type
   */
  public static final class Then<S> {

    private final Given<S> given;
    private final CommandResult result;

    private Then(Given<S> given, CommandResult result) {
      this.given = given;
      this.result = result;
    }

    /** @return the command's outcome */
    public CommandResult result() {
      given.fixture.checkOpen();
      return result;
    }

    /**
     * @return the events the command stored: none when it was rejected, or answered as a duplicate (its first
     *     outcome stored them: {@link #result()} has them)
     */
    public List<NewEvent> events() {
      given.fixture.checkOpen();
      return result instanceof Accepted accepted && !accepted.duplicate()
          ? accepted.events().stream().map(e -> new NewEvent(e.eventType(), e.data())).toList() : List.of();
    }

    /**
     * Checks that the command was answered as a duplicate: its command id was applied before, so nothing more
     * was stored and the first outcome was given again.
     *
     * @return this
     * @throws AssertionError when it was rejected, or accepted as a new command
     */
    public Then<S> expectDuplicate() {
      given.fixture.checkOpen();
      if (!(result instanceof Accepted accepted) || !accepted.duplicate()) {
        throw new AssertionError("expected a duplicate of an applied command, but the command was " + result);
      }
      return this;
    }

    /**
     * Checks that the command was accepted and stored exactly these events, in order.
     *
     * @param expected event records of the behaviour, or {@link NewEvent}s
     * @return this
     * @throws AssertionError when it was rejected or stored other events
     */
    public Then<S> expectEvents(Object... expected) {
      given.fixture.checkOpen();
      Checks.notNull(expected, "expected");
      List<NewEvent> wanted = new ArrayList<>(expected.length);
      for (int i = 0; i < expected.length; i++) {
        wanted.add(given.fixture.toNewEvent(Checks.notNull(expected[i], "expected[" + i + "]")));
      }
      if (!(result instanceof Accepted)) {
        throw new AssertionError("expected the events " + wanted + ", but the command was " + result);
      }
      if (!events().equals(wanted)) {
        throw new AssertionError("expected the events " + wanted + ", but the command stored " + events());
      }
      return this;
    }

    /**
     * Checks that the command stored nothing (accepted without events, or rejected).
     *
     * @return this
     * @throws AssertionError when it stored events
     */
    public Then<S> expectNoEvents() {
      given.fixture.checkOpen();
      if (!events().isEmpty()) {
        throw new AssertionError("expected no events, but the command stored " + events());
      }
      return this;
    }

    /**
     * Checks that the command was rejected for this reason.
     *
     * @param reason the reason
     * @return this
     * @throws AssertionError when it was accepted or rejected for another reason
     */
    public Then<S> expectRejected(RejectionReason reason) {
      given.fixture.checkOpen();
      if (!(result instanceof Rejected rejected) || rejected.reason() != reason) {
        throw new AssertionError("expected a rejection " + reason + ", but the command was " + result);
      }
      return this;
    }

    /**
     * Checks that the command was rejected for this reason, with a message containing {@code messagePart}.
     *
     * @param reason the reason
     * @param messagePart a part of the rejection's message
     * @return this
     * @throws AssertionError when it was accepted, or rejected for another reason or with another message
     */
    public Then<S> expectRejected(RejectionReason reason, String messagePart) {
      given.fixture.checkOpen();
      expectRejected(reason);
      if (!((Rejected) result).message().contains(messagePart)) {
        throw new AssertionError("expected a rejection message containing \"" + messagePart + "\", but it was \""
            + ((Rejected) result).message() + "\"");
      }
      return this;
    }

    /**
     * Checks that the command's payload was refused naming this field ({@link RejectionReason#INVALID_PAYLOAD}).
     *
     * @param path the field's path, such as {@code payload.amount}
     * @return this
     * @throws AssertionError when it was not refused for that field
     */
    public Then<S> expectFieldError(String path) {
      given.fixture.checkOpen();
      expectRejected(RejectionReason.INVALID_PAYLOAD);
      if (((Rejected) result).fieldErrors().stream().noneMatch(f -> f.path().equals(path))) {
        throw new AssertionError("expected a field error at " + path + ", but the errors were "
            + ((Rejected) result).fieldErrors());
      }
      return this;
    }

    /**
     * Checks the actor's state now: after this command, and after any sent since ({@link #andWhen}), as the
     * runtime holds it (rebuilt the same way after a restart).
     *
     * @param check assertions on the state; whatever it throws fails the test
     * @return this
     */
    public Then<S> expectState(Consumer<? super S> check) {
      check.accept(given.state());
      return this;
    }

    /**
     * Checks that the actor's state now equals this one.
     *
     * @param expected the state expected (compared with {@code equals}: a record compares its components)
     * @return this
     * @throws AssertionError naming both states when they differ
     */
    public Then<S> expectState(S expected) {
      S actual = given.state();
      if (!Objects.equals(expected, actual)) {
        throw new AssertionError("expected the state " + expected + ", but it is " + actual);
      }
      return this;
    }

    /**
     * Sends the scenario's next command, a command record, to the same actor.
     *
     * @param command an instance of a class the behaviour registered with {@code .command(...)} under one name
     * @return the next outcome
     * @throws IllegalStateException as {@link Given#when(Object)}
     */
    public Then<S> andWhen(Object command) {
      return given.when(command);
    }

    /**
     * Sends the scenario's next command to the same actor.
     *
     * @param command the command's name
     * @param payload its fields ({@code null}: none)
     * @return the next outcome
     */
    public Then<S> andWhen(String command, Map<String, ?> payload) {
      return given.when(command, payload);
    }

    /**
     * Sends the scenario's next command to the same actor with this command id.
     *
     * @param command the command's name
     * @param payload its fields ({@code null}: none)
     * @param commandId the command id
     * @return the next outcome
     */
    public Then<S> andWhen(String command, Map<String, ?> payload, String commandId) {
      return given.when(command, payload, commandId);
    }

    /**
     * Checks that the actor recovers the state it has now, as Pekko's {@code EventSourcedBehaviorTestKit.restart()}
     * does: its stored events, replayed from the initial state by the behaviour (as an activation without a
     * snapshot does), give a state equal to the one it has, which itself went through the state's JSON (as a
     * snapshot does). Catches an event handler that reads a random number or a mutable field, and a state
     * that does not survive its snapshot; one that reads a clock only when the clock moved in between (a date
     * read in a handler mostly passes).
     *
     * @return this
     * @throws AssertionError naming both states when they differ, or when the actor cannot be activated
     */
    public Then<S> expectRecovers() {
      given.fixture.checkOpen();
      given.fixture.checkRecovers(given.actor);
      return this;
    }

    /**
     * @return the actor's state now (after this command, and any sent since)
     * @throws AssertionError when the actor cannot be activated (its history does not replay)
     */
    public S state() {
      return given.state();
    }
  }
}
