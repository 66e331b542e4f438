package dev.aether.runtime.behavior;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventUpcastsTest {

  record Deposited(long value, String note) {}

  record Account(long balance) {}

  record Opening(long value) {}

  record Closing(String reason) {}

  /** v1 FundsAdded(amount), v2 renamed MoneyDeposited(amount), v3 MoneyDeposited(value). */
  private static final EventUpcasts SHARED = EventUpcasts.builder()
      .upcast("FundsAdded", "MoneyDeposited", data -> data)
      .upcast("MoneyDeposited", "MoneyDeposited", data -> {
        if (data.containsKey("amount")) {
          data.put("value", data.remove("amount"));
        }
        return data;
      })
      .build();

  private static Event stored(String type, Map<String, Object> data) {
    return Event.builder().eventType(type).streamId("Account/a1").version(7).commandId("cmd-1")
        .correlationId("corr-1").timestamp(Instant.parse("2026-01-02T03:04:05Z")).data(data).build();
  }

  @Test
  void renamesChain_intoAnInPlaceMigration_andTheNewShapeIsLeftAlone() {
    assertThat(SHARED.upcast("FundsAdded", Map.of("amount", 5L)))
        .isEqualTo(new EventUpcasts.Upcasted("FundsAdded", "MoneyDeposited", Map.of("value", 5L)));
    assertThat(SHARED.upcast("MoneyDeposited", Map.of("amount", 6L)).data()).isEqualTo(Map.of("value", 6L));
    assertThat(SHARED.upcast("MoneyDeposited", Map.of("value", 7L)).data()).isEqualTo(Map.of("value", 7L));
    Map<String, Object> other = Map.of("x", 1L);
    assertThat(SHARED.upcast("Withdrawn", other).data()).as("no upcast: the very data").isSameAs(other);
    assertThat(SHARED.typeOf("FundsAdded")).isEqualTo("MoneyDeposited");
    assertThat(SHARED.typeOf("MoneyDeposited")).isEqualTo("MoneyDeposited");
    assertThat(SHARED.typeOf("Withdrawn")).isEqualTo("Withdrawn");
    assertThat(SHARED).hasToString("EventUpcasts[FundsAdded -> MoneyDeposited, MoneyDeposited -> MoneyDeposited]");
    assertThat(EventUpcasts.builder().build()).isSameAs(EventUpcasts.none());
  }

  @Test
  void anUpcastEvent_hasTheNewTypeAndData_andEverythingElseAsStored() {
    Event old = stored("FundsAdded", Map.of("amount", 5, "tags", List.of(Map.of("k", "v"))));
    Event read = SHARED.upcast(old);
    assertThat(read.eventType()).isEqualTo("MoneyDeposited");
    assertThat(read.data()).isEqualTo(Map.of("value", 5L, "tags", List.of(Map.of("k", "v"))));
    assertThat(read.id()).isEqualTo(old.id());
    assertThat(read.streamId()).isEqualTo(old.streamId());
    assertThat(read.version()).isEqualTo(7);
    assertThat(read.commandId()).isEqualTo(old.commandId());
    assertThat(read.metadata()).isEqualTo(old.metadata());
    assertThat(read.timestamp()).isEqualTo(old.timestamp());
    assertThat(old.eventType()).isEqualTo("FundsAdded");
    assertThat(old.data()).as("the stored event is left as it was").containsKey("amount");

    Event untouched = stored("Withdrawn", Map.of("amount", 1));
    assertThat(SHARED.upcast(untouched)).isSameAs(untouched);
    assertThat(EventUpcasts.none().upcast(old)).isSameAs(old);
  }

  @Test
  void aMigrationGetsADeepCopy_itMayChangeAnywhere() {
    EventUpcasts nested = EventUpcasts.builder().upcast("Wrapped", "Lines", data -> {
      @SuppressWarnings("unchecked")
      Map<String, Object> inner = (Map<String, Object>) data.get("inner");
      @SuppressWarnings("unchecked")
      List<Object> skus = (List<Object>) inner.get("skus");
      skus.add("Z");
      return inner;
    }).build();
    Event old = stored("Wrapped", Map.of("inner", Map.of("skus", List.of("A"))));
    assertThat(nested.upcast(old).data()).isEqualTo(Map.of("skus", List.of("A", "Z")));
    assertThat(old.data()).isEqualTo(Map.of("inner", Map.of("skus", List.of("A"))));
  }

  @Test
  void aMigrationThatFails_orReturnsNull_orLeavesAPrimitiveNull_isNamed() {
    EventUpcasts throwing = EventUpcasts.builder().upcast("Old", "New", data -> {
      throw new IllegalArgumentException("boom");
    }).build();
    assertThatThrownBy(() -> throwing.upcast(stored("Old", Map.of()))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the upcast of Old to New failed").hasMessageContaining("boom");
    EventUpcasts empty = EventUpcasts.builder().upcast("Old", "New", data -> null).build();
    assertThatThrownBy(() -> empty.upcast("Old", Map.of())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the upcast of Old to New returned null");
    EventUpcasts unstorable = EventUpcasts.builder().upcast("Old", "New", data -> {
      data.put("when", new Object());
      return data;
    }).build();
    assertThatThrownBy(() -> unstorable.upcast(stored("Old", Map.of()))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the upcast of Old to New returned data an event cannot hold");
    // as a behaviour reads it too (it took a java.time object that projections and policies refused: one rule)
    EventUpcasts timeObject = EventUpcasts.builder().upcast("Old", "New", data -> {
      data.put("at", Instant.EPOCH);
      return data;
    }).build();
    assertThatThrownBy(() -> timeObject.upcast("Old", Map.of())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("returned data an event cannot hold").hasMessageContaining("ISO-8601 text");

    EventUpcasts sloppy = EventUpcasts.builder().upcast("MoneyDeposited", "MoneyDeposited", data -> {
      data.put("value", data.remove("amount")); // no guard: an event already in the new shape loses value
      return data;
    }).build();
    EventUpcasts.Upcasted read = sloppy.upcast("MoneyDeposited", Map.of("value", 3L));
    assertThatThrownBy(() -> EventUpcasts.requirePrimitives(Deposited.class, read))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the upcast of MoneyDeposited to MoneyDeposited left data.value null");
    EventUpcasts.requirePrimitives(Map.class, read); // no record: nothing to check
  }

  @Test
  void badUpcasts_areRefused_namingTheField() {
    assertThatThrownBy(() -> EventUpcasts.builder().upcast(" ", "New", d -> d))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("storedType"));
    assertThatThrownBy(() -> EventUpcasts.builder().upcast("Old", "", d -> d))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("eventType"));
    assertThatThrownBy(() -> EventUpcasts.builder().upcast("Old", "New", null))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("migration"));
    assertThatThrownBy(() -> EventUpcasts.builder().upcast("Old", "New", d -> d).upcast("Old", "Other", d -> d))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("storedType"))
        .hasMessageContaining("events of type Old are already upcast");
    assertThatThrownBy(() -> EventUpcasts.builder().upcast("FundsAdded", "X", d -> d).upcasts(SHARED))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("storedType"))
        .hasMessageContaining("FundsAdded");
    assertThatThrownBy(() -> EventUpcasts.builder().upcasts(null))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("upcasts"));
    var loop = EventUpcasts.builder().upcast("A", "B", d -> d).upcast("B", "C", d -> d).upcast("C", "A", d -> d);
    assertThatThrownBy(loop::build)
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("eventType"))
        .hasMessageContaining("A -> B -> C -> A");
  }

  @Test
  void aBehaviourTakesSharedUpcasts_besideItsOwn_andChecksItsOwnAgainstItsHandlers() {
    JavaBehavior<Account> account = JavaBehavior.builder("Account", Account.class, new Account(0))
        .upcasts(SHARED)
        .upcast("Credited", "MoneyDeposited", data -> Map.of("value", data.get("cents")))
        .event("MoneyDeposited", Deposited.class, (s, e) -> new Account(s.balance() + e.value()))
        .build();
    Account state = account.initialState();
    state = account.evolve(state, stored("FundsAdded", Map.of("amount", 1)));
    state = account.evolve(state, stored("MoneyDeposited", Map.of("amount", 10)));
    state = account.evolve(state, stored("MoneyDeposited", Map.of("value", 100)));
    state = account.evolve(state, stored("Credited", Map.of("cents", 1000)));
    assertThat(state).isEqualTo(new Account(1111));

    var ownWithoutHandler = JavaBehavior.builder("Account", Account.class, new Account(0))
        .upcast("Credited", "MoneyDeposited", d -> d).event("Other", Deposited.class, (s, e) -> s);
    assertThatThrownBy(ownWithoutHandler::build).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("MoneyDeposited, which has no handler");
    // shared upcasts may rename other aggregates' events (found by a user evaluation: one value for the whole
    // system was refused by every behaviour without handlers for all of them)
    JavaBehavior<Account> other = JavaBehavior.builder("Order", Account.class, new Account(0)).upcasts(SHARED)
        .event("OrderPlaced", Deposited.class, (s, e) -> new Account(s.balance() + 1)).build();
    assertThat(other.evolve(other.initialState(), stored("OrderPlaced", Map.of()))).isEqualTo(new Account(1));
    assertThatThrownBy(() -> other.evolve(other.initialState(), stored("FundsAdded", Map.of("amount", 1))))
        .as("one of its own events read as a type it has no handler for: as any unknown event")
        .hasMessageContaining("no event handler for FundsAdded");
    var twice = JavaBehavior.builder("Account", Account.class, new Account(0)).upcast("FundsAdded", "X", d -> d);
    assertThatThrownBy(() -> twice.upcasts(SHARED)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("events of type FundsAdded are already upcast");
  }

  /**
   * Customers and accounts both store Opened and Closed: only the customer's Opened was renamed (then migrated in
   * place for every aggregate type), and its Closed reads another reason than everyone else's.
   */
  private static final EventUpcasts PER_AGGREGATE = EventUpcasts.builder()
      .upcast("Customer", "Opened", "CustomerOpened", data -> data)
      .upcast("CustomerOpened", "CustomerOpened", data -> {
        if (data.containsKey("name")) {
          data.put("fullName", data.remove("name"));
        }
        return data;
      })
      .upcast("Closed", "Closed", data -> {
        data.putIfAbsent("reason", "unknown");
        return data;
      })
      .upcast("Customer", "Closed", "Closed", data -> {
        data.put("reason", "customer");
        return data;
      })
      .build();

  private static Event storedIn(String streamId, String type, Map<String, Object> data) {
    return Event.builder().eventType(type).streamId(streamId).version(1).data(data).build();
  }

  @Test
  void anUpcastOfOneAggregateType_readsOnlyItsEvents_beforeAndThroughThoseOfEveryAggregateType() {
    Event customer = PER_AGGREGATE.upcast(storedIn("Customer/c1", "Opened", Map.of("name", "Ada")));
    assertThat(customer.eventType()).isEqualTo("CustomerOpened");
    assertThat(customer.data()).as("renamed, then migrated by the upcast of every aggregate type")
        .isEqualTo(Map.of("fullName", "Ada"));
    Event account = storedIn("Account/a1", "Opened", Map.of("name", "Ada"));
    assertThat(PER_AGGREGATE.upcast(account)).as("another aggregate type's Opened: as stored").isSameAs(account);
    Event similar = storedIn("Customers/c1", "Opened", Map.of());
    assertThat(PER_AGGREGATE.upcast(similar)).as("an aggregate type that only starts the same").isSameAs(similar);
    assertThat(PER_AGGREGATE.upcast(storedIn("Account/a1", "Closed", Map.of())).data())
        .isEqualTo(Map.of("reason", "unknown"));
    assertThat(PER_AGGREGATE.upcast(storedIn("Customer/c1", "Closed", Map.of("reason", "moved"))).data())
        .as("the aggregate type's own upcast takes precedence").isEqualTo(Map.of("reason", "customer"));

    assertThat(PER_AGGREGATE.forAggregate("Customer").typeOf("Opened")).isEqualTo("CustomerOpened");
    assertThat(PER_AGGREGATE.forAggregate("Account").typeOf("Opened")).isEqualTo("Opened");
    assertThat(PER_AGGREGATE.typeOf("Opened")).as("the upcasts of every aggregate type").isEqualTo("Opened");
    assertThat(PER_AGGREGATE.forStream("Customer/c/1")).isSameAs(PER_AGGREGATE.forAggregate("Customer"));
    assertThat(PER_AGGREGATE.forStream("Account/a1")).isSameAs(PER_AGGREGATE.forAggregate("Account"));
    assertThat(PER_AGGREGATE.forAggregate("Account").upcast("Opened", Map.of()).eventType()).isEqualTo("Opened");
    assertThat(PER_AGGREGATE.storedTypes()).containsExactly("CustomerOpened", "Closed", "Opened");
    assertThat(PER_AGGREGATE).hasToString("EventUpcasts[CustomerOpened -> CustomerOpened, Closed -> Closed,"
        + " Customer: Opened -> CustomerOpened, Customer: Closed -> Closed]");
    EventUpcasts shared = EventUpcasts.builder().upcasts(PER_AGGREGATE).build();
    assertThat(shared.upcast(storedIn("Customer/c1", "Opened", Map.of())).eventType()).isEqualTo("CustomerOpened");
    assertThat(shared.upcast(storedIn("Account/a1", "Opened", Map.of())).eventType()).isEqualTo("Opened");
  }

  @Test
  void badUpcastsOfOneAggregateType_areRefused_namingTheField() {
    for (String bad : new String[] {" ", "Customer/x", "1Customer"}) {
      assertThatThrownBy(() -> EventUpcasts.builder().upcast(bad, "Opened", "X", d -> d)).as(bad)
          .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("aggregateType"));
    }
    var once = EventUpcasts.builder().upcast("Customer", "Opened", "X", d -> d).upcast("Account", "Opened", "Y",
        d -> d).upcast("Opened", "Z", d -> d); // one per aggregate type, and one for every aggregate type
    assertThatThrownBy(() -> once.upcast("Customer", "Opened", "W", d -> d))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("storedType"))
        .hasMessageContaining("events of type Opened of aggregate type Customer are already upcast");
    assertThatThrownBy(() -> EventUpcasts.builder().upcasts(PER_AGGREGATE).upcasts(PER_AGGREGATE))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("already upcast");
    var loopForOne = EventUpcasts.builder().upcast("B", "A", d -> d).upcast("Customer", "A", "B", d -> d);
    assertThatThrownBy(loopForOne::build).as("a loop only the customer's events would run")
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("eventType"))
        .hasMessageContaining("B -> A -> B");
    assertThatThrownBy(() -> PER_AGGREGATE.forAggregate(null))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("aggregateType"));
    assertThatThrownBy(() -> EventUpcasts.builder().upcasts(PER_AGGREGATE.forAggregate("Customer")))
        .as("one aggregate type's reading, whose own upcasts would apply to every type's events")
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("upcasts"))
        .hasMessageContaining("aggregate type Customer");
    EventUpcasts.builder().upcasts(PER_AGGREGATE.forAggregate("Account")); // no own upcasts: those of every type
  }

  @Test
  void aBehaviourReadsOnlyTheSharedUpcastsOfItsAggregateType_andOfEveryAggregateType() {
    JavaBehavior<Account> account = JavaBehavior.builder("Account", Account.class, new Account(0))
        .upcasts(PER_AGGREGATE)
        .event("Opened", Opening.class, (s, e) -> new Account(s.balance() + e.value()))
        .event("Closed", Closing.class, (s, e) -> new Account(s.balance() + (e.reason().equals("unknown") ? 1 : 0)))
        .build(); // Opened is handled here: before, the customer's rename of Opened refused this behaviour
    Account state = account.evolve(account.initialState(), stored("Opened", Map.of("value", 10)));
    state = account.evolve(state, stored("Closed", Map.of()));
    assertThat(state).isEqualTo(new Account(11));

    JavaBehavior<Account> customer = JavaBehavior.builder("Customer", Account.class, new Account(0))
        .upcasts(PER_AGGREGATE)
        .event("CustomerOpened", Opening.class, (s, e) -> new Account(e.value()))
        .ignoreUnknownEvents()
        .build();
    assertThat(customer.evolve(customer.initialState(), storedIn("Customer/c1", "Opened", Map.of("value", 5))))
        .isEqualTo(new Account(5));
    assertThatThrownBy(() -> JavaBehavior.builder("Customer", Account.class, new Account(0))
        .event("Opened", Opening.class, (s, e) -> s).upcasts(PER_AGGREGATE).build())
        .as("its own type renamed by a shared upcast of its aggregate type, and still handled")
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("also handled as Opened");
    assertThatThrownBy(() -> JavaBehavior.builder("Customer", Account.class, new Account(0)).upcasts(PER_AGGREGATE)
        .upcast("Opened", "Other", d -> d))
        .as("an own upcast of a type the shared ones upcast for this aggregate type")
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("already upcast");
    assertThatThrownBy(() -> JavaBehavior.builder("Account", Account.class, new Account(0))
        .upcast("Closed", "Closed", d -> d).upcasts(PER_AGGREGATE))
        .as("an own upcast of a type the shared ones upcast for every aggregate type")
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("already upcast");
  }
}
