package dev.aether.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.runtime.spi.Behavior;
import dev.aether.runtime.spi.Command;
import dev.aether.runtime.spi.Decision;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A raw {@link Behavior} that breaks its contract (a null initial state, schema or command set) is refused when
 * it is registered, naming its aggregate type and the method (regression: a null initial state was accepted
 * and every read of a new actor failed with "state: must not be null").
 */
class RawBehaviorCheckTest {

  private final TestStore store = new TestStore();

  @Test
  void build_withNullInitialState_isRefusedNamingTheTypeAndTheMethod() {
    Behavior<Bank.AccountState> broken = new Delegating() {
      @Override
      public Bank.AccountState initialState() {
        return null;
      }
    };

    assertThatThrownBy(() -> Runtime.builder().eventStore(store).behavior(broken).build())
        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
          assertThat(e.field()).isEqualTo("behavior.initialState");
          assertThat(e.getMessage()).contains("Account", "initialState()", "null");
        });
  }

  @Test
  void build_withNullSchema_isRefusedNamingTheTypeAndTheMethod() {
    Behavior<Bank.AccountState> broken = new Delegating() {
      @Override
      public String schema() {
        return null;
      }
    };

    assertThatThrownBy(() -> Runtime.builder().eventStore(store).behavior(broken).build())
        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
          assertThat(e.field()).isEqualTo("behavior.schema");
          assertThat(e.getMessage()).contains("Account", "schema()", "null");
        });
  }

  @Test
  void register_withNullCommandNames_isRefusedNamingTheTypeAndTheMethod() {
    Behavior<Bank.AccountState> broken = new Delegating() {
      @Override
      public Set<String> commandNames() {
        return null;
      }
    };
    try (Runtime runtime = Runtime.builder().eventStore(store).build()) {
      assertThatThrownBy(() -> runtime.register(broken))
          .isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.field()).isEqualTo("behavior.commandNames");
            assertThat(e.getMessage()).contains("Account", "commandNames()", "null");
          });
      assertThat(runtime.aggregateTypes()).isEmpty();
    }
  }

  @Test
  void register_withANullCommandName_isRefusedNamingTheTypeAndTheMethod() {
    Behavior<Bank.AccountState> broken = new Delegating() {
      @Override
      public Set<String> commandNames() {
        Set<String> names = new java.util.HashSet<>(Set.of("Deposit"));
        names.add(null);
        return names;
      }
    };
    try (Runtime runtime = Runtime.builder().eventStore(store).build()) {
      assertThatThrownBy(() -> runtime.register(broken))
          .isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.field()).isEqualTo("behavior.commandNames");
            assertThat(e.getMessage()).contains("Account", "commandNames()", "null command name");
          });
      assertThat(runtime.aggregateTypes()).isEmpty();
    }
  }

  /** A raw behaviour that does what the bank's does; each test breaks one method. */
  @Test
  void aSnapshotStoredUnderAnotherTag_isRead_whenTheBehaviourSaysItReadsIt_elseTheEventsAreReplayed() {
    // the hook the model's behaviours use: an event added keeps their snapshots (Behavior.readsSnapshotOf)
    try (Runtime first = Runtime.builder().eventStore(store).snapshotStore(store).behavior(tagged("v1", null))
        .build()) {
      first.start();
      assertThat(first.sendMessage(RuntimeMessage.of("Account", "s", "Open", Map.of("owner", "ann"))).join()
          .isAccepted()).isTrue();
      first.stopVM(ActorKey.of("Account", "s")).join();
    }
    assertThat(store.getLatestSnapshot("Account/s")).isPresent();
    for (String reads : new String[] {"v1", "v0"}) {
      java.util.concurrent.atomic.AtomicInteger fromSnapshot = new java.util.concurrent.atomic.AtomicInteger();
      try (Runtime next = Runtime.builder().eventStore(store).snapshotStore(store)
          .behavior(tagged("v2", stored -> stored.equals(reads) && fromSnapshot.incrementAndGet() > 0)).build()) {
        next.start();
        next.createVM(ActorKey.of("Account", "s")).join();
      }
      assertThat(fromSnapshot.get()).as("snapshot of v1 read by a behaviour reading " + reads)
          .isEqualTo(reads.equals("v1") ? 1 : 0);
    }
  }

  /** The bank under a schema tag of its own, reading the snapshots {@code reads} accepts (null: the default). */
  private static Behavior<Bank.AccountState> tagged(String schema, java.util.function.Predicate<String> reads) {
    return new Delegating() {
      @Override
      public String schema() {
        return schema;
      }

      @Override
      public boolean readsSnapshotOf(String storedSchema) {
        return reads == null ? super.readsSnapshotOf(storedSchema) : reads.test(storedSchema);
      }
    };
  }

  private static class Delegating implements Behavior<Bank.AccountState> {

    private final Behavior<Bank.AccountState> bank = Bank.behavior();

    @Override
    public String aggregateType() {
      return bank.aggregateType();
    }

    @Override
    public String schema() {
      return bank.schema();
    }

    @Override
    public Bank.AccountState initialState() {
      return bank.initialState();
    }

    @Override
    public Decision decide(Bank.AccountState state, Command command) {
      return bank.decide(state, command);
    }

    @Override
    public Bank.AccountState evolve(Bank.AccountState state, Event event) {
      return bank.evolve(state, event);
    }

    @Override
    public Map<String, Object> stateToJson(Bank.AccountState state) {
      return bank.stateToJson(state);
    }

    @Override
    public Bank.AccountState stateFromJson(Map<String, Object> json) {
      return bank.stateFromJson(json);
    }

    @Override
    public Set<String> commandNames() {
      return bank.commandNames();
    }
  }
}
