package dev.aether.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoadModelTest {

  private final Runtime runtime = Fixtures.runtime(new TestStore()).build();

  @AfterEach
  void close() {
    runtime.close();
  }

  @Test
  void modelWhoseAggregatesHaveBehaviours_isLoaded() {
    TestModel model = TestModel.withoutBehaviours("bank", "1", "Account:Open,Deposit");

    runtime.loadModel(model);

    assertThat(runtime.model()).contains(model);
  }

  @Test
  void modelWithAggregatesWithoutBehaviour_isRefused_namingEachOne() {
    TestModel model = TestModel.withoutBehaviours("shop", "1", "Account", "Order", "Invoice");

    assertThatThrownBy(() -> runtime.loadModel(model)).isInstanceOfSatisfying(InvalidModelException.class, e -> {
      assertThat(e.errors()).extracting(ModelError::id, ModelError::path).containsExactly(
          tuple(ModelError.NO_BEHAVIOR, "aggregates.Order"), tuple(ModelError.NO_BEHAVIOR, "aggregates.Invoice"));
      assertThat(e.getMessage()).contains("Order").contains("Invoice");
    });
    assertThat(runtime.model()).isEmpty();
  }

  @Test
  void modelCommandTheBehaviourDoesNotHandle_isRefused() {
    TestModel model = TestModel.withoutBehaviours("bank", "1", "Account:Deposit,Close");

    assertThatThrownBy(() -> runtime.loadModel(model)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> assertThat(e.errors()).extracting(ModelError::path).containsExactly("aggregates.Account.commands.Close"));
  }

  @Test
  void modelThatRefusesToPlan_isRefused_withItsErrors() {
    TestModel model = new TestModel("", "1", java.util.Map.of("Account", List.of()), host -> {
      throw new InvalidModelException(List.of(new ModelError(ModelError.MISSING_VALUE, "name", "a model needs a name")));
    });

    assertThatThrownBy(() -> runtime.loadModel(model)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> assertThat(e.errors()).extracting(ModelError::path).containsExactly("name"));
    assertThat(runtime.model()).isEmpty();
  }
}
