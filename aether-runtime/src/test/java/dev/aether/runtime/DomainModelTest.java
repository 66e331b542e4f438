package dev.aether.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.runtime.spi.Behavior;
import java.util.Map;
import java.util.function.Function;
import dev.aether.runtime.spi.ModelHost;
import dev.aether.runtime.spi.ModelPlan;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code loadModel} of a domain model: the runtime's side of the SPI, with a fake model and plan. */
class DomainModelTest {

  /** A plan running the test bank as the model's behaviour, refusing deposits above 1,000 before the actor. */
  class FakePlan implements ModelPlan {
    final List<Behavior<?>> behaviors;
    final List<RuntimeMessage> accepted = new CopyOnWriteArrayList<>();
    final AtomicInteger closed = new AtomicInteger();

    FakePlan(ModelHost host) {
      hosts.add(host);
      behaviors = host.hasJavaBehavior(Bank.TYPE) ? List.of() : List.of(Bank.behavior());
    }

    @Override
    public List<Behavior<?>> behaviors() {
      return behaviors;
    }

    @Override
    public List<ModelError> warnings() {
      return List.of(new ModelError(ModelError.POLICY_CYCLE, "policies.p", "a cycle"));
    }

    @Override
    public Optional<CommandResult.Rejected> check(RuntimeMessage message) {
      Object amount = message.payload().get("amount");
      return amount instanceof Long a && a > 1000 ? Optional.of(new CommandResult.Rejected(message.commandId(),
          RejectionReason.INVALID_PAYLOAD, "too much", List.of(new FieldError("payload.amount", "too much"))))
          : Optional.empty();
    }

    @Override
    public void onAccepted(RuntimeMessage message, CommandResult.Accepted result) {
      accepted.add(message);
    }

    @Override
    public void close() {
      closed.incrementAndGet();
    }
  }

  private final List<FakePlan> plans = new CopyOnWriteArrayList<>();
  private final List<ModelHost> hosts = new CopyOnWriteArrayList<>();
  private final java.util.function.BiFunction<String, ModelHost, ModelPlan> engine = (version, host) -> {
    if (version.equals("broken")) {
      throw new InvalidModelException(List.of(new ModelError(ModelError.UNKNOWN_REFERENCE, "aggregates.Account"
          + ".commands.Withdraw.guards[0]", "undeclared reference 'cmd.amout'")));
    }
    FakePlan plan = new FakePlan(host);
    plans.add(plan);
    return plan;
  };
  private final TestStore store = new TestStore();
  private Runtime runtime = Runtime.builder().eventStore(store).build();

  private TestModel model(String version) {
    return model(version, host -> engine.apply(version, host));
  }

  private static TestModel model(String version, Function<dev.aether.runtime.spi.ModelHost, ModelPlan> planner) {
    return new TestModel("bank", version, Map.of(Bank.TYPE, List.of("Open")), planner);
  }

  @AfterEach
  void close() {
    runtime.close();
  }

  @Test
  void aggregateWithoutJavaBehaviour_runsThePlansBehaviour_andItsHooks() {
    runtime.loadModel(model("1"));
    runtime.start();

    Fixtures.accepted(runtime.sendMessage(Bank.open("a")));
    Fixtures.accepted(runtime.sendMessage(Bank.deposit("a", 10)));
    CommandResult.Rejected refused = Fixtures.rejected(runtime.sendMessage(Bank.deposit("a", 5000)));

    assertThat(refused.fieldErrors()).containsExactly(new FieldError("payload.amount", "too much"));
    assertThat(store.getLatestVersion(Bank.stream("a"))).isEqualTo(2);
    Fixtures.eventually().until(() -> plans.getFirst().accepted.size() == 2);
    assertThat(runtime.modelPlan()).containsSame(plans.getFirst());
    assertThat(hosts.getFirst().eventStore()).isSameAs(store);
  }

  @Test
  void refusalByTheCheck_activatesNothing() {
    runtime.loadModel(model("1"));
    runtime.start();

    Fixtures.rejected(runtime.sendMessage(Bank.deposit("b", 5000)));

    assertThat(runtime.getActiveVMs()).isEmpty();
  }

  @Test
  void javaBehaviour_takesPrecedence_overThePlans() {
    runtime.close();
    runtime = Runtime.builder().eventStore(store).behavior(Bank.behavior()).build();

    runtime.loadModel(model("1"));

    assertThat(plans.getFirst().behaviors()).isEmpty();
    assertThat(hosts.getFirst().hasJavaBehavior(Bank.TYPE)).isTrue();
  }

  @Test
  void javaBehaviourRegisteredAfterTheModel_replacesTheModels() {
    runtime.loadModel(model("1"));
    runtime.start();
    Fixtures.accepted(runtime.sendMessage(Bank.open("a")));

    runtime.register(Bank.behavior());

    assertThat(hosts.getFirst().hasJavaBehavior(Bank.TYPE)).isTrue();
    Fixtures.accepted(runtime.sendMessage(Bank.deposit("a", 1)));
    assertThatThrownBy(() -> runtime.register(Bank.behavior())).isInstanceOf(dev.aether.InvalidInputException.class);
  }

  @Test
  void newVersion_replacesThePlan_closesThePrevious_andPassivatesModelDrivenActors() {
    runtime.loadModel(model("1"));
    runtime.start();
    Fixtures.accepted(runtime.sendMessage(Bank.open("a")));

    runtime.loadModel(model("2"));

    assertThat(plans).hasSize(2);
    assertThat(plans.getFirst().closed).hasValue(1);
    assertThat(runtime.model().orElseThrow().version()).isEqualTo("2");
    Fixtures.eventually().until(() -> runtime.getActiveVMs().isEmpty());
    Fixtures.accepted(runtime.sendMessage(Bank.deposit("a", 1)));
    Fixtures.eventually().until(() -> plans.get(1).accepted.size() == 1);
  }

  @Test
  void refusedModel_leavesThePreviousOneRunning() {
    runtime.loadModel(model("1"));
    runtime.start();

    assertThatThrownBy(() -> runtime.loadModel(model("broken"))).isInstanceOfSatisfying(
        InvalidModelException.class, e -> assertThat(e.errors()).extracting(ModelError::path)
            .containsExactly("aggregates.Account.commands.Withdraw.guards[0]"));

    assertThat(runtime.model().orElseThrow().version()).isEqualTo("1");
    assertThat(plans.getFirst().closed).hasValue(0);
    Fixtures.accepted(runtime.sendMessage(Bank.open("a")));
  }

  @Test
  void planWithoutABehaviourForAnAggregate_isRefused() {
    TestModel empty = model("1", host -> new FakePlan(host) {
      @Override
      public List<Behavior<?>> behaviors() {
        return List.of();
      }
    });

    assertThatThrownBy(() -> runtime.loadModel(empty)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> assertThat(e.errors()).extracting(ModelError::id).containsExactly(ModelError.NO_BEHAVIOR));
    assertThat(runtime.model()).isEmpty();
  }

  @Test
  void close_closesThePlan() {
    runtime.loadModel(model("1"));

    runtime.close();

    assertThat(plans.getFirst().closed).hasValue(1);
  }
}
