package dev.aether.model.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.event.Event;
import dev.aether.model.Model;
import dev.aether.model.ModelLoader;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.spi.Behavior;
import dev.aether.runtime.spi.Command;
import dev.aether.runtime.spi.Decision;
import dev.aether.runtime.spi.NewEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Properties of model-driven behaviours over random valid command sequences (payloads that pass the model's
 * field checks): declared invariants always hold, and replaying the stored events rebuilds the same state.
 */
class ModelBehaviorProperties {

  /** A command of the sequence: one of the bank's commands on one of three accounts. */
  record Step(String actor, String command, Map<String, Object> payload) {}

  private static final Model BANK = BankModel.load();
  /** The bank without its "insufficient funds" guards: only the invariant stands between a state and debt. */
  private static final Model BANK_WITHOUT_GUARDS = ModelLoader.fromYaml(BankModel.yaml()
      .replace("          - {expr: \"state.balance >= cmd.amount\", message: \"insufficient funds\"}\n", ""));

  @Provide
  Arbitrary<Step> steps() {
    Arbitrary<String> actors = Arbitraries.of("a", "b", "c");
    Arbitrary<Long> amounts = Arbitraries.longs().between(1, 150);
    Arbitrary<Step> open = actors.map(a -> new Step(a, "Open", Map.of("owner", "o-" + a)));
    Arbitrary<Step> openWith = Combinators.combine(actors, amounts)
        .as((a, n) -> new Step(a, "Open", Map.of("owner", "o-" + a, "initialDeposit", n)));
    Arbitrary<Step> deposit = Combinators.combine(actors, amounts)
        .as((a, n) -> new Step(a, "Deposit", Map.of("amount", n)));
    Arbitrary<Step> withdraw = Combinators.combine(actors, amounts)
        .as((a, n) -> new Step(a, "Withdraw", Map.of("amount", n)));
    Arbitrary<Step> transfer = Combinators.combine(actors, actors, amounts)
        .as((a, to, n) -> new Step(a, "Transfer", Map.of("to", to, "amount", n)));
    Arbitrary<Step> receive = Combinators.combine(actors, actors, amounts)
        .as((a, from, n) -> new Step(a, "ReceiveTransfer", Map.of("from", from, "amount", n)));
    return Arbitraries.oneOf(open, openWith, deposit, withdraw, withdraw, transfer, receive);
  }

  @Property(tries = 200)
  void invariants_holdAfterEveryAcceptedCommand(@ForAll @Size(max = 60) List<@net.jqwik.api.From("steps") Step> steps) {
    for (Model model : List.of(BANK, BANK_WITHOUT_GUARDS)) {
      CompiledModel compiled = CompiledModel.compile(model);
      Run run = new Run(compiled);
      for (Step step : steps) {
        assertThat(compiled.check(message(step))).isEmpty();
        run.send(step);
        run.states().forEach((actor, state) -> assertThat((Long) state.get("balance"))
            .as("balance of %s after %s", actor, step).isGreaterThanOrEqualTo(0L));
      }
    }
  }

  @Property(tries = 200)
  void replayingTheEvents_rebuildsTheSameState(@ForAll @Size(max = 60) List<@net.jqwik.api.From("steps") Step> steps) {
    Run run = new Run(CompiledModel.compile(BANK));
    steps.forEach(run::send);

    run.states().forEach((actor, state) -> {
      Map<String, Object> replayed = run.behavior.initialState();
      for (Event event : run.events.getOrDefault(actor, List.of())) {
        replayed = run.behavior.evolve(replayed, event);
      }
      assertThat(replayed).isEqualTo(state);
      assertThat(run.behavior.stateFromJson(run.behavior.stateToJson(state))).isEqualTo(state);
    });
  }

  private static dev.aether.runtime.RuntimeMessage message(Step step) {
    return dev.aether.runtime.RuntimeMessage.of("Account", step.actor(), step.command(), step.payload());
  }

  /** Decides and evolves like a VM, keeping every actor's state and stored events. */
  static final class Run {
    final Behavior<Map<String, Object>> behavior;
    final Map<String, Map<String, Object>> states = new java.util.TreeMap<>();
    final Map<String, List<Event>> events = new java.util.HashMap<>();

    Run(CompiledModel model) {
      this.behavior = model.behavior("Account").orElseThrow();
    }

    Map<String, Map<String, Object>> states() {
      return states;
    }

    void send(Step step) {
      Map<String, Object> state = states.getOrDefault(step.actor(), behavior.initialState());
      Decision decision = behavior.decide(state, new Command(ActorKey.of("Account", step.actor()), step.command(),
          step.payload(), "c", Map.of()));
      if (decision instanceof Decision.Emit emit) {
        List<Event> stored = events.computeIfAbsent(step.actor(), k -> new ArrayList<>());
        for (NewEvent e : emit.events()) {
          Event event = Event.builder().eventType(e.eventType()).streamId("Account/" + step.actor())
              .version(stored.size() + 1).data(e.data()).timestamp(Instant.EPOCH).build();
          stored.add(event);
          state = behavior.evolve(state, event);
        }
        states.put(step.actor(), state);
      }
    }
  }

  @net.jqwik.api.Example
  void withoutGuards_theInvariantRejectsAnOverdraft_withItsMessage() {
    Behavior<Map<String, Object>> behavior = CompiledModel.compile(BANK_WITHOUT_GUARDS).behavior("Account")
        .orElseThrow();
    Map<String, Object> state = Map.of("open", true, "owner", "o", "balance", 10L);

    Decision decision = behavior.decide(state, new Command(ActorKey.of("Account", "a"), "Withdraw",
        Map.of("amount", 11L), "c", Map.of()));

    assertThat(decision).isEqualTo(new Decision.Reject(dev.aether.runtime.RejectionReason.BUSINESS_RULE,
        "the balance must never be negative", List.of()));
  }
}
