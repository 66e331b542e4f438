package dev.aether.runtime.behavior;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.FieldError;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.spi.Command;
import dev.aether.runtime.spi.Decision;
import dev.aether.runtime.spi.NewEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JavaBehaviorTest {

  record Cart(List<String> items, long total) {}

  record Line(String sku, int quantity) {}

  record AddLines(List<Line> lines, boolean gift) {}

  record LinesAdded(List<String> skus, long total) {}

  record Unregistered(int x) {}

  /** Any annotation named Nullable marks a component a client may leave out (JSpecify's, Jakarta's, ...). */
  @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
  @java.lang.annotation.Target({java.lang.annotation.ElementType.TYPE_USE,
      java.lang.annotation.ElementType.RECORD_COMPONENT})
  @interface Nullable {}

  record Note(String text, @Nullable String author) {}

  record Order(long amount, @Nullable String channel, @Nullable Note note, List<Note> notes) {}

  record Renamed(@com.fasterxml.jackson.annotation.JsonProperty("order_ref") @Nullable String orderRef,
      @com.fasterxml.jackson.annotation.JsonAlias("old_note") @Nullable String note) {}

  private final JavaBehavior<Cart> cart = JavaBehavior.builder("Cart", Cart.class, new Cart(List.of(), 0))
      .command("AddLines", AddLines.class, (s, c) -> c.lines().isEmpty() ? Effect.reject("no lines")
          : Effect.persist(new LinesAdded(c.lines().stream().map(Line::sku).toList(), c.lines().size())))
      .command("Bad", AddLines.class, (s, c) -> Effect.persist(new Unregistered(1)))
      .command("Wrap", AddLines.class, (s, c) -> c.gift() && c.lines().size() > 1
          ? Effect.invalid(new FieldError("payload.gift", "only one line can be gift-wrapped"))
          : Effect.none())
      .event("LinesAdded", LinesAdded.class, (s, e) -> new Cart(e.skus(), s.total() + e.total()))
      .build();

  private Decision decide(String command, Map<String, Object> payload) {
    return cart.decide(cart.initialState(), new Command(ActorKey.of("Cart", "c1"), command, payload, "id", Map.of()));
  }

  private List<FieldError> errors(Map<String, Object> payload) {
    Decision d = decide("AddLines", payload);
    assertThat(d).isInstanceOf(Decision.Reject.class);
    Decision.Reject r = (Decision.Reject) d;
    assertThat(r.reason()).isEqualTo(RejectionReason.INVALID_PAYLOAD);
    return r.fieldErrors();
  }

  @Test
  void toNewEvent_givesAnEventRecordsNameAndFields_andRefusesWhatIsNoRegisteredEvent() {
    assertThat(cart.toNewEvent(new LinesAdded(List.of("A"), 3)))
        .isEqualTo(NewEvent.of("LinesAdded", Map.of("skus", List.of("A"), "total", 3L)));
    assertThatThrownBy(() -> cart.toNewEvent(new Unregistered(1)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("Unregistered");
    assertThatThrownBy(() -> cart.toNewEvent(null))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("record");
  }

  @Test
  void toCommand_namesARecordByItsOnlyRegistration_andRefusesAnAmbiguousOrUnknownOne() {
    JavaBehavior<Cart> single = JavaBehavior.builder("Cart", Cart.class, new Cart(List.of(), 0))
        .command("AddLines", AddLines.class, (s, c) -> Effect.none()).build();
    assertThat(single.toCommand(new AddLines(List.of(new Line("A", 2)), true))).isEqualTo(Map.entry("AddLines",
        Map.of("lines", List.of(Map.of("sku", "A", "quantity", 2L)), "gift", true)));
    assertThatThrownBy(() -> cart.toCommand(new AddLines(List.of(), false))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("AddLines").hasMessageContaining("Wrap");
    assertThatThrownBy(() -> single.toCommand(new Line("A", 1))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("under no command");
  }

  @Test
  void command_isMappedToItsRecord_andEventsToData() {
    Decision d = decide("AddLines", Map.of("lines", List.of(Map.of("sku", "A", "quantity", 2L)), "gift", true));

    assertThat(d).isEqualTo(Decision.emit(NewEvent.of("LinesAdded", Map.of("skus", List.of("A"), "total", 1L))));
  }

  @Test
  void payloadErrors_nameTheField() {
    assertThat(errors(Map.of("lines", List.of(), "gift", true, "colour", "red")))
        .singleElement().satisfies(e -> {
          assertThat(e.path()).isEqualTo("payload.colour");
          assertThat(e.problem()).contains("unknown field").contains("lines").contains("gift");
        });
    assertThat(errors(Map.of("lines", List.of()))).extracting(FieldError::path).containsExactly("payload.gift");
    assertThat(errors(Map.of("lines", List.of(Map.of("sku", "A", "quantity", "two")), "gift", true)))
        .extracting(FieldError::path).containsExactly("payload.lines[0].quantity");
    assertThat(errors(Map.of("lines", List.of(Map.of("sku", "A", "quantity", 1.5)), "gift", true)))
        .extracting(FieldError::path).containsExactly("payload.lines[0].quantity");
    Map<String, Object> nullGift = new HashMap<>(Map.of("lines", List.of()));
    nullGift.put("gift", null);
    assertThat(errors(nullGift)).singleElement().satisfies(e -> {
      assertThat(e.path()).isEqualTo("payload.gift");
      assertThat(e.problem()).contains("null");
    });
    assertThat(errors(Map.of("lines", "A", "gift", true))).extracting(FieldError::path)
        .containsExactly("payload.lines");
  }

  @Test
  void invalidEffect_isAnInvalidPayloadDecision_withTheHandlersFieldErrors() {
    Decision d = decide("Wrap", Map.of("lines", List.of(Map.of("sku", "A", "quantity", 1L),
        Map.of("sku", "B", "quantity", 1L)), "gift", true));
    assertThat(d).isInstanceOfSatisfying(Decision.Reject.class, r -> {
      assertThat(r.reason()).isEqualTo(RejectionReason.INVALID_PAYLOAD);
      assertThat(r.fieldErrors()).containsExactly(new FieldError("payload.gift", "only one line can be gift-wrapped"));
    });
    assertThatThrownBy(Effect::invalid).isInstanceOf(InvalidInputException.class).hasMessageContaining("errors");
  }

  @Test
  void aNullEvent_isRefusedNamingItsPosition_notANullPointer() {
    assertThatThrownBy(() -> Effect.persist((Object) null)).isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("events[0]");
    assertThatThrownBy(() -> Effect.persist(new Line("a", 1), null)).isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("events[1]");
    assertThatThrownBy(() -> Effect.persist((Object[]) null)).isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("events");
  }

  @Test
  void aNumberOrABooleanForAString_isRefusedNamingTheField() {
    assertThat(errors(Map.of("lines", List.of(Map.of("sku", 5L, "quantity", 1L)), "gift", true)))
        .singleElement().satisfies(e -> {
          assertThat(e.path()).isEqualTo("payload.lines[0].sku");
          assertThat(e.problem()).contains("String");
        });
    assertThat(errors(Map.of("lines", List.of(Map.of("sku", true, "quantity", 1L)), "gift", true)))
        .extracting(FieldError::path).containsExactly("payload.lines[0].sku");
    assertThat(errors(Map.of("lines", List.of(Map.of("sku", 1.5, "quantity", 1L)), "gift", true)))
        .extracting(FieldError::path).containsExactly("payload.lines[0].sku");
  }

  @Test
  void unknownCommand_isAnUnknownCommandDecision() {
    Decision d = decide("Checkout", Map.of());
    assertThat(d).isInstanceOfSatisfying(Decision.Reject.class, r -> {
      assertThat(r.reason()).isEqualTo(RejectionReason.UNKNOWN_COMMAND);
      assertThat(r.message()).contains("Checkout").contains("AddLines");
    });
    assertThat(cart.commandNames()).containsExactlyInAnyOrder("AddLines", "Bad", "Wrap");
  }

  @Test
  void businessRejection_isABusinessRuleDecision() {
    assertThat(decide("AddLines", Map.of("lines", List.of(), "gift", false))).isEqualTo(Decision.reject("no lines"));
  }

  @Test
  void unregisteredEventRecord_failsTheDecision_sayingWhatToRegister() {
    assertThatThrownBy(() -> decide("Bad", Map.of("lines", List.of(), "gift", false)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("Unregistered").hasMessageContaining(".event(");
  }

  @Test
  void events_areReadTolerantly_soOldAndNewShapesReplay() {
    Event withExtraField = Event.builder().eventType("LinesAdded").streamId("Cart/c1").version(1)
        .data(Map.of("skus", List.of("A"), "total", 3, "addedBy", "bob")).build();
    Event withMissingField = Event.builder().eventType("LinesAdded").streamId("Cart/c1").version(2)
        .data(Map.of("skus", List.of("B"))).build();

    Cart state = cart.evolve(cart.evolve(cart.initialState(), withExtraField), withMissingField);

    assertThat(state).isEqualTo(new Cart(List.of("B"), 3));
  }

  @Test
  void unknownEventType_failsReplay_unlessIgnoredOnPurpose() {
    Event retired = Event.builder().eventType("Retired").streamId("Cart/c1").version(1).build();
    assertThatThrownBy(() -> cart.evolve(cart.initialState(), retired)).hasMessageContaining("Retired");

    JavaBehavior<Cart> lenient = JavaBehavior.builder("Cart", Cart.class, new Cart(List.of(), 0))
        .ignoreUnknownEvents().build();
    assertThat(lenient.evolve(lenient.initialState(), retired)).isEqualTo(lenient.initialState());
  }

  @Test
  void upcasts_readRenamedTypesAndOldShapes_inChains_andLeaveTheNewShapeAlone() {
    JavaBehavior<Cart> evolved = JavaBehavior.builder("Cart", Cart.class, new Cart(List.of(), 0))
        .upcast("ItemsAdded", "SkusAdded", data -> {
          data.put("skus", List.of(data.remove("sku"))); // v1: one sku per event
          return data;
        })
        .upcast("SkusAdded", "LinesAdded", data -> data) // v2: renamed
        .upcast("LinesAdded", "LinesAdded", data -> {
          if (data.containsKey("amount")) { // v3's name of the field
            data.put("total", data.remove("amount"));
          }
          return data;
        })
        .event("LinesAdded", LinesAdded.class, (s, e) -> new Cart(e.skus(), s.total() + e.total()))
        .build();
    Cart state = evolved.initialState();
    state = evolved.evolve(state, event("ItemsAdded", 1, Map.of("sku", "A", "total", 1)));
    assertThat(state).isEqualTo(new Cart(List.of("A"), 1));
    state = evolved.evolve(state, event("SkusAdded", 2, Map.of("skus", List.of("B"), "amount", 2)));
    assertThat(state).isEqualTo(new Cart(List.of("B"), 3));
    state = evolved.evolve(state, event("LinesAdded", 3, Map.of("skus", List.of("C"), "total", 4)));
    assertThat(state).isEqualTo(new Cart(List.of("C"), 7));

    JavaBehavior<Cart> nested = JavaBehavior.builder("Cart", Cart.class, new Cart(List.of(), 0))
        .upcast("Wrapped", "LinesAdded", data -> {
          @SuppressWarnings("unchecked")
          Map<String, Object> inner = (Map<String, Object>) data.get("inner");
          ((List<Object>) inner.get("skus")).add("Z"); // changes the nested values in place
          inner.put("total", 1);
          return inner;
        })
        .event("LinesAdded", LinesAdded.class, (s, e) -> new Cart(e.skus(), s.total() + e.total())).build();
    Event stored = event("Wrapped", 1, Map.of("inner", Map.of("skus", List.of("A"), "total", 9)));
    assertThat(nested.evolve(nested.initialState(), stored)).isEqualTo(new Cart(List.of("A", "Z"), 1));
    assertThat(stored.data()).as("the stored event is left as it was")
        .isEqualTo(Map.of("inner", Map.of("skus", List.of("A"), "total", 9L)));

    JavaBehavior<Cart> sloppy = JavaBehavior.builder("Cart", Cart.class, new Cart(List.of(), 0))
        .upcast("LinesAdded", "LinesAdded", data -> {
          data.put("total", data.remove("amount")); // no guard: an event already in the new shape loses total
          return data;
        })
        .event("LinesAdded", LinesAdded.class, (s, e) -> new Cart(e.skus(), s.total() + e.total())).build();
    assertThat(sloppy.evolve(sloppy.initialState(), event("LinesAdded", 1, Map.of("skus", List.of(), "amount", 2))))
        .isEqualTo(new Cart(List.of(), 2));
    assertThatThrownBy(() -> sloppy.evolve(sloppy.initialState(), event("LinesAdded", 2,
        Map.of("skus", List.of(), "total", 3)))).hasMessageContaining("left data.total null");

    JavaBehavior<Cart> broken = JavaBehavior.builder("Cart", Cart.class, new Cart(List.of(), 0))
        .upcast("Old", "LinesAdded", data -> null)
        .event("LinesAdded", LinesAdded.class, (s, e) -> s).build();
    assertThatThrownBy(() -> broken.evolve(broken.initialState(), event("Old", 1, Map.of())))
        .hasMessageContaining("upcast of Old to LinesAdded returned null");
  }

  @Test
  void upcasts_thatLoop_endWithoutAHandler_orShadowAHandler_areRefusedByBuild() {
    var loop = JavaBehavior.builder("Cart", Cart.class, new Cart(List.of(), 0))
        .upcast("A", "B", d -> d).upcast("B", "A", d -> d).event("LinesAdded", LinesAdded.class, (s, e) -> s);
    assertThatThrownBy(loop::build).isInstanceOf(InvalidInputException.class).hasMessageContaining("A -> B -> A");
    var nowhere = JavaBehavior.builder("Cart", Cart.class, new Cart(List.of(), 0)).upcast("A", "B", d -> d);
    assertThatThrownBy(nowhere::build).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("B, which has no handler");
    var shadowed = JavaBehavior.builder("Cart", Cart.class, new Cart(List.of(), 0))
        .upcast("LinesAdded", "Other", d -> d).event("LinesAdded", LinesAdded.class, (s, e) -> s)
        .event("Other", Line.class, (s, e) -> s);
    assertThatThrownBy(shadowed::build).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("also handled as LinesAdded");
    var twice = JavaBehavior.builder("Cart", Cart.class, new Cart(List.of(), 0)).upcast("A", "B", d -> d);
    assertThatThrownBy(() -> twice.upcast("A", "C", d -> d)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("already upcast");
  }

  @Test
  void anEventWhoseDataItsRecordCannotRead_failsNamingTheField_inWordsNotJacksons() {
    assertThatThrownBy(() -> cart.evolve(cart.initialState(),
        event("LinesAdded", 1, Map.of("skus", List.of("A"), "total", "ref-3"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LinesAdded cannot read data.total")
        .hasMessageNotContaining("reference chain").hasMessageNotContaining("$");
  }

  @Test
  void nullableComponents_mayBeLeftOut_atAnyDepth_andOthersAreStillRequired() {
    List<Order> seen = new java.util.ArrayList<>();
    JavaBehavior<Cart> orders = JavaBehavior.builder("Cart", Cart.class, new Cart(List.of(), 0))
        .command("Order", Order.class, (s, c) -> {
          seen.add(c);
          return Effect.none();
        }).build();
    Command old = new Command(ActorKey.of("Cart", "c1"), "Order", Map.of("amount", 5,
        "notes", List.of(Map.of("text", "a"))), "id", Map.of());
    assertThat(orders.decide(orders.initialState(), old)).isEqualTo(Decision.emit(List.of()));
    assertThat(seen).containsExactly(new Order(5, null, null, List.of(new Note("a", null))));

    for (Map<String, Object> payload : List.<Map<String, Object>>of(
        Map.of("notes", List.of()), Map.of("amount", 1, "notes", List.of(Map.of("author", "b"))))) {
      Command missing = new Command(ActorKey.of("Cart", "c1"), "Order", payload, "id", Map.of());
      assertThat(orders.decide(orders.initialState(), missing)).as(payload.toString())
          .isInstanceOfSatisfying(Decision.Reject.class, r -> assertThat(r.fieldErrors()).extracting(FieldError::path)
              .containsExactly(payload.containsKey("amount") ? "payload.notes[0].text" : "payload.amount"));
    }

    List<Renamed> named = new java.util.ArrayList<>();
    JavaBehavior<Cart> renamed = JavaBehavior.builder("Cart", Cart.class, new Cart(List.of(), 0))
        .command("Renamed", Renamed.class, (s, c) -> {
          named.add(c);
          return Effect.none();
        }).build();
    for (Map<String, Object> payload : List.<Map<String, Object>>of(Map.of("order_ref", "r1"),
        Map.of("old_note", "n1"), Map.of())) {
      assertThat(renamed.decide(renamed.initialState(), new Command(ActorKey.of("Cart", "c1"), "Renamed", payload,
          "id", Map.of()))).as(payload.toString()).isEqualTo(Decision.emit(List.of()));
    }
    assertThat(named).containsExactly(new Renamed("r1", null), new Renamed(null, "n1"), new Renamed(null, null));
  }

  private static Event event(String type, long version, Map<String, Object> data) {
    return Event.builder().eventType(type).streamId("Cart/c1").version(version).data(data).build();
  }

  @Test
  void state_roundTripsThroughJson_andAStateThatDoesNotFitIsRefused() {
    Cart state = new Cart(List.of("A", "B"), 7);
    assertThat(cart.stateFromJson(cart.stateToJson(state))).isEqualTo(state);
    assertThatThrownBy(() -> cart.stateFromJson(Map.of("items", List.of(), "total", 1, "extra", true)))
        .hasMessageContaining("state.extra");
  }

  record Booking(Instant at, LocalDate day, Duration length, OffsetDateTime local) {}

  record Book(Instant at, LocalDate day, Duration length, OffsetDateTime local) {}

  record Booked(Instant at, LocalDate day, Duration length, OffsetDateTime local) {}

  private final JavaBehavior<Booking> booking = JavaBehavior.builder("Room", Booking.class,
          new Booking(Instant.EPOCH, LocalDate.EPOCH, Duration.ZERO, OffsetDateTime.MIN))
      .command("Book", Book.class, (s, c) -> Effect.persist(new Booked(c.at(), c.day(), c.length(), c.local())))
      .event("Booked", Booked.class, (s, e) -> new Booking(e.at(), e.day(), e.length(), e.local()))
      .build();

  /**
   * java.time components (what an Axon or Akka user puts in events first) are ISO-8601 text in commands, events
   * and states, read back equal, an offset kept as written; a value that is no such text is refused naming the
   * field. Before, a command was refused with Jackson's advice to add a module, a state could not be read.
   */
  @Test
  void javaTimeComponents_areIsoText_inCommandsEventsAndStates() {
    Map<String, Object> payload = Map.of("at", "2026-12-07T08:00:00.123456789Z", "day", "2026-12-24",
        "length", "PT1H30M", "local", "2026-12-07T09:00:00+01:00");
    Decision decision = booking.decide(booking.initialState(),
        new Command(ActorKey.of("Room", "r1"), "Book", payload, "id", Map.of()));

    assertThat(decision).isEqualTo(Decision.emit(NewEvent.of("Booked", payload)));
    Event stored = Event.builder().eventType("Booked").streamId("Room/r1").version(1).data(payload).build();
    Booking state = booking.evolve(booking.initialState(), stored);
    assertThat(state).isEqualTo(new Booking(Instant.parse("2026-12-07T08:00:00.123456789Z"),
        LocalDate.of(2026, 12, 24), Duration.ofMinutes(90), OffsetDateTime.parse("2026-12-07T09:00:00+01:00")));
    assertThat(booking.stateToJson(state)).isEqualTo(payload);
    assertThat(booking.stateFromJson(booking.stateToJson(state))).isEqualTo(state);

    Map<String, Object> bad = new HashMap<>(payload);
    bad.put("at", "yesterday");
    Decision refused = booking.decide(booking.initialState(),
        new Command(ActorKey.of("Room", "r1"), "Book", bad, "id", Map.of()));
    assertThat(refused).isInstanceOfSatisfying(Decision.Reject.class, r -> {
      assertThat(r.reason()).isEqualTo(RejectionReason.INVALID_PAYLOAD);
      assertThat(r.fieldErrors()).singleElement().satisfies(e -> {
        assertThat(e.path()).isEqualTo("payload.at");
        assertThat(e.problem()).contains("Instant").doesNotContain("module");
      });
    });
    for (Object epoch : List.of(1_700_000_000L, "1700000000", 1.7e9)) { // seconds or milliseconds? not guessed
      bad.put("at", epoch);
      assertThat(booking.decide(booking.initialState(), new Command(ActorKey.of("Room", "r1"), "Book", bad, "id",
          Map.of()))).as("at = " + epoch).isInstanceOfSatisfying(Decision.Reject.class, r -> assertThat(
              r.fieldErrors()).extracting(FieldError::path).containsExactly("payload.at"));
    }
  }

  @Test
  void schema_isDerivedFromTheStateRecord_orSetByHand() {
    assertThat(cart.schema()).isEqualTo("Cart(items:List<String>,total:long)");
    assertThat(JavaBehavior.builder("Cart", Cart.class, new Cart(List.of(), 0)).schema("cart-v2").build().schema())
        .isEqualTo("cart-v2");
  }

  @Test
  void builder_refusesDuplicatesAndBadNames() {
    var b = JavaBehavior.builder("Cart", Cart.class, new Cart(List.of(), 0))
        .command("Add", AddLines.class, (s, c) -> Effect.none())
        .event("Added", LinesAdded.class, (s, e) -> s);
    assertThatThrownBy(() -> b.command("Add", AddLines.class, (s, c) -> Effect.none()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("Add");
    assertThatThrownBy(() -> b.event("Added2", LinesAdded.class, (s, e) -> s))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("LinesAdded");
    assertThatThrownBy(() -> JavaBehavior.builder("Cart/x", Cart.class, new Cart(List.of(), 0)))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("aggregateType"));
  }
}
