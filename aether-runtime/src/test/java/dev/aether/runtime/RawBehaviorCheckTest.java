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
