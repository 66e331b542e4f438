package dev.aether.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.aether.model.AggregateDef;
import dev.aether.model.CommandDef;
import dev.aether.model.InvalidModelException;
import dev.aether.model.Model;
import dev.aether.model.ModelError;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoadModelTest {

  private final Runtime runtime = Fixtures.runtime(new TestStore()).build();

  @AfterEach
  void close() {
    runtime.close();
  }

  private static AggregateDef aggregate(String name, String... commands) {
    List<CommandDef> defs = java.util.Arrays.stream(commands)
        .map(c -> new CommandDef(c, List.of(), List.of(), List.of())).toList();
    return new AggregateDef(name, List.of(), List.of(), defs, List.of());
  }

  @Test
  void modelWhoseAggregatesHaveBehaviours_isLoaded() {
    Model model = new Model("bank", "1", List.of(aggregate("Account", "Open", "Deposit")), List.of(), List.of());

    runtime.loadModel(model);

    assertThat(runtime.model()).contains(model);
  }

  @Test
  void modelWithAggregatesWithoutBehaviour_isRefused_namingEachOne() {
    Model model = new Model("shop", "1",
        List.of(aggregate("Account"), aggregate("Order"), aggregate("Invoice")), List.of(), List.of());

    assertThatThrownBy(() -> runtime.loadModel(model)).isInstanceOfSatisfying(InvalidModelException.class, e -> {
      assertThat(e.errors()).extracting(ModelError::id, ModelError::path).containsExactly(
          tuple(ModelError.NO_BEHAVIOR, "aggregates.Order"), tuple(ModelError.NO_BEHAVIOR, "aggregates.Invoice"));
      assertThat(e.getMessage()).contains("Order").contains("Invoice");
    });
    assertThat(runtime.model()).isEmpty();
  }

  @Test
  void modelCommandTheBehaviourDoesNotHandle_isRefused() {
    Model model = new Model("bank", "1", List.of(aggregate("Account", "Deposit", "Close")), List.of(), List.of());

    assertThatThrownBy(() -> runtime.loadModel(model)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> assertThat(e.errors()).extracting(ModelError::path).containsExactly("aggregates.Account.commands.Close"));
  }

  @Test
  void structurallyBrokenModel_isRefused_withItsErrors() {
    Model model = new Model("", "1", List.of(aggregate("Account")), List.of(), List.of());

    assertThatThrownBy(() -> runtime.loadModel(model)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> assertThat(e.errors()).extracting(ModelError::path).containsExactly("name"));
  }
}
