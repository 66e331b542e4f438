package dev.aether.bench.model;

import dev.aether.bench.Benchmark;
import dev.aether.bench.Case;
import dev.aether.bench.Result;
import dev.aether.bench.Suite;
import dev.aether.model.Model;
import dev.aether.model.ModelLoader;
import dev.aether.model.exec.CompiledModel;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.behavior.Effect;
import dev.aether.runtime.behavior.JavaBehavior;
import dev.aether.runtime.spi.Behavior;
import dev.aether.runtime.spi.Command;
import dev.aether.runtime.spi.Decision;
import dev.aether.store.InMemoryEventStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A model-driven behaviour (CEL guards, mappings and state updates of an EventStorming model) against an
 * equivalent hand-written {@link JavaBehavior}, in the same run: whole commands through the runtime on the
 * in-memory store, and bare decide + evolve calls. Goal (issue "executable EventStorming model"): the
 * model-driven runtime does at least 0.7x the Java behaviour's commands/s.
 */
public final class ModelSuite implements Suite {

  /** Accounts the commands are spread over. */
  static final int ACCOUNTS = 1_000;
  /** Commands per run through the runtime. */
  static final int COMMANDS = 100_000;
  /** Commands in flight at once through the runtime. */
  static final int WINDOW = 2_000;
  /** Bare decide + evolve calls per run. */
  static final int DECISIONS = 500_000;
  /** The ratio goal of the issue. */
  static final double GOAL = 0.7;

  static final String MODEL = """
      name: bench-bank
      version: "1"
      aggregates:
        - name: Account
          state: [{name: open, type: bool}, {name: balance, type: int}]
          commands:
            - name: Open
              guards: [{expr: "!state.open", message: "already open"}]
              emits: [Opened]
            - name: Deposit
              fields: [{name: amount, type: int, min: 1}]
              guards: [{expr: state.open, message: "not open"}]
              emits: [Deposited]
            - name: Withdraw
              fields: [{name: amount, type: int, min: 1}]
              guards:
                - {expr: state.open, message: "not open"}
                - {expr: "state.balance >= cmd.amount", message: "insufficient funds"}
              emits: [Withdrawn]
          events:
            - {name: Opened, apply: {open: "true"}}
            - {name: Deposited, fields: [{name: amount, type: int}], apply: {balance: "state.balance + event.amount"}}
            - {name: Withdrawn, fields: [{name: amount, type: int}], apply: {balance: "state.balance - event.amount"}}
      """;

  /** The Java state. */
  record Account(boolean open, long balance) {}

  /** The Java command of Open. */
  record Open() {}

  /** The Java command of Deposit and Withdraw. */
  record Amount(long amount) {}

  /** The Java event of Opened. */
  record Opened() {}

  /** The Java event of Deposited. */
  record Deposited(long amount) {}

  /** The Java event of Withdrawn. */
  record Withdrawn(long amount) {}

  private final Model model = ModelLoader.fromYaml(MODEL);

  /** @return the hand-written equivalent of the model's Account */
  static Behavior<Account> javaBehavior() {
    return JavaBehavior.builder("Account", Account.class, new Account(false, 0))
        .command("Open", Open.class, (s, c) -> s.open() ? Effect.reject("already open") : Effect.persist(new Opened()))
        .command("Deposit", Amount.class, (s, c) -> c.amount() < 1 ? Effect.reject("amount must be at least 1")
            : !s.open() ? Effect.reject("not open") : Effect.persist(new Deposited(c.amount())))
        .command("Withdraw", Amount.class, (s, c) -> c.amount() < 1 ? Effect.reject("amount must be at least 1")
            : !s.open() ? Effect.reject("not open") : s.balance() < c.amount() ? Effect.reject("insufficient funds")
            : Effect.persist(new Withdrawn(c.amount())))
        .event("Opened", Opened.class, (s, e) -> new Account(true, s.balance()))
        .event("Deposited", Deposited.class, (s, e) -> new Account(s.open(), s.balance() + e.amount()))
        .event("Withdrawn", Withdrawn.class, (s, e) -> new Account(s.open(), s.balance() - e.amount()))
        .build();
  }

  @Override
  public String id() {
    return "model";
  }

  @Override
  public String title() {
    return "model-driven behaviours";
  }

  @Override
  public String description() {
    return "A bank account defined by an EventStorming model (CEL guards, payload constraint, data mapping and"
        + " state update, compiled once) against an equivalent `JavaBehavior`, same run. Runtime cases: Deposit"
        + " commands over " + ACCOUNTS + " accounts, " + WINDOW + " in flight, in-memory store; the model-driven"
        + " runtime also checks each payload against the model before the actor. Bare cases: decide + evolve"
        + " of one Deposit, no runtime. Ratio = model / Java; goal >= " + GOAL + ".";
  }

  @Override
  public List<Case> cases() {
    return List.of(
        Case.compared("Deposit through the runtime, in-memory store", "1 command",
            new ThroughRuntime(true), new ThroughRuntime(false)),
        Case.compared("decide + evolve of a Deposit, no runtime", "1 decision",
            new Bare<>(CompiledModel.compile(model).behavior("Account").orElseThrow()), new Bare<>(javaBehavior())));
  }

  @Override
  public String notes(List<Result> results) {
    StringBuilder notes = new StringBuilder();
    for (Result r : results) {
      r.ratio().ifPresent(ratio -> notes.append("- ").append(r.benchmarkCase().name()).append(": model-driven / Java = ")
          .append(String.format("%.2f", ratio)).append(ratio >= GOAL ? " (goal >= " + GOAL + " met)"
              : " (**below the goal of " + GOAL + "**)").append('\n'));
    }
    return notes.toString();
  }

  /** Deposits through a runtime: model-driven (the model loaded) or Java (the behaviour registered). */
  private final class ThroughRuntime implements Benchmark {
    private final boolean modelDriven;
    private InMemoryEventStore store;
    private Runtime runtime;

    ThroughRuntime(boolean modelDriven) {
      this.modelDriven = modelDriven;
    }

    @Override
    public void setUp() {
      store = InMemoryEventStore.create();
      Runtime.Builder builder = Runtime.builder().eventStore(store).withoutSnapshots();
      runtime = modelDriven ? builder.build() : builder.behavior(javaBehavior()).build();
      if (modelDriven) {
        runtime.loadModel(model);
      }
      runtime.start();
      List<CompletableFuture<CommandResult>> opened = new ArrayList<>();
      for (int a = 0; a < ACCOUNTS; a++) {
        opened.add(runtime.sendMessage(RuntimeMessage.of("Account", "acc-" + a, "Open", Map.of())));
      }
      opened.forEach(f -> require(f.join()));
    }

    @Override
    public long run() {
      List<CompletableFuture<CommandResult>> window = new ArrayList<>(WINDOW);
      for (int i = 0; i < COMMANDS; i++) {
        window.add(runtime.sendMessage(RuntimeMessage.of("Account", "acc-" + (i % ACCOUNTS), "Deposit",
            Map.of("amount", 1))));
        if (window.size() == WINDOW) {
          window.forEach(f -> require(f.join()));
          window.clear();
        }
      }
      window.forEach(f -> require(f.join()));
      return COMMANDS;
    }

    @Override
    public void tearDown() {
      long expected = 1 + COMMANDS / ACCOUNTS;
      for (int a = 0; a < ACCOUNTS; a += ACCOUNTS / 10) {
        long version = store.getLatestVersion(ActorKey.of("Account", "acc-" + a).streamId());
        if (version != expected) {
          throw new IllegalStateException("acc-" + a + " is at version " + version + ", expected " + expected);
        }
      }
      runtime.close();
    }
  }

  private static void require(CommandResult result) {
    if (!result.isAccepted()) {
      throw new IllegalStateException("a benchmark command was refused: " + result);
    }
  }

  /** Decide + evolve of Deposits on one behaviour, without a runtime. */
  private static final class Bare<S> implements Benchmark {
    private final Behavior<S> behavior;
    private S state;

    Bare(Behavior<S> behavior) {
      this.behavior = behavior;
    }

    @Override
    public void setUp() {
      state = behavior.initialState();
      Decision open = behavior.decide(state, command("Open", Map.of()));
      state = behavior.evolve(state, event(((Decision.Emit) open).events().getFirst(), 1));
    }

    @Override
    public long run() {
      Map<String, Object> payload = Map.of("amount", 1L);
      for (int i = 0; i < DECISIONS; i++) {
        Decision d = behavior.decide(state, command("Deposit", payload));
        state = behavior.evolve(state, event(((Decision.Emit) d).events().getFirst(), i + 2));
      }
      return DECISIONS;
    }

    @Override
    public void tearDown() {
      Object balance = behavior.stateToJson(state).get("balance");
      if (!(balance instanceof Number n) || n.longValue() != DECISIONS) {
        throw new IllegalStateException("balance " + balance + ", expected " + DECISIONS);
      }
    }

    private static Command command(String name, Map<String, Object> payload) {
      return new Command(ActorKey.of("Account", "acc-1"), name, payload, "c", Map.of());
    }

    private static dev.aether.event.Event event(dev.aether.runtime.spi.NewEvent e, long version) {
      return dev.aether.event.Event.builder().id("e").eventType(e.eventType()).streamId("Account/acc-1")
          .version(version).data(e.data()).timestamp(java.time.Instant.EPOCH).build();
    }
  }
}
