package dev.aether.model.exec;

import dev.aether.model.AggregateDef;
import dev.aether.model.CommandDef;
import dev.aether.model.EmitDef;
import dev.aether.runtime.ModelError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds policy cycles: a command emits an event, a policy turns the event into a command, ... and back to
 * the first command. Each elementary cycle is reported once, as a warning naming it
 * ({@code Account.Withdraw -> Withdrawn -> [refund] -> Account.Deposit -> Deposited -> [again] ->
 * Account.Withdraw}), at the path of its first policy. Stateless apart from one search.
 */
final class PolicyCycles {

  /** An edge: a command's event triggers a policy that sends the next command. */
  private record Edge(String event, String policy, String next) {}

  private final Map<String, List<Edge>> edges = new LinkedHashMap<>();
  private final Set<String> reported = new HashSet<>();
  private final List<ModelError> warnings = new ArrayList<>();

  private PolicyCycles() {}

  static List<ModelError> find(List<AggregateDef> aggregates, List<PolicyProgram> policies) {
    PolicyCycles cycles = new PolicyCycles();
    for (AggregateDef aggregate : aggregates) {
      for (CommandDef command : aggregate.commands()) {
        String from = aggregate.name() + "." + command.name();
        for (EmitDef emit : command.emits()) {
          for (PolicyProgram p : policies) {
            if (p.sourceAggregate().equals(aggregate.name()) && p.event().equals(emit.event())) {
              cycles.edges.computeIfAbsent(from, k -> new ArrayList<>()).add(new Edge(
                  aggregate.name() + "." + emit.event(), p.name(), p.targetAggregate() + "." + p.command()));
            }
          }
        }
      }
    }
    for (String start : cycles.edges.keySet()) {
      cycles.search(start, start, new ArrayList<>(), new HashSet<>());
    }
    return cycles.warnings;
  }

  private void search(String start, String at, List<Edge> path, Set<String> visited) {
    for (Edge edge : edges.getOrDefault(at, List.of())) {
      if (edge.next().equals(start)) {
        List<Edge> cycle = new ArrayList<>(path);
        cycle.add(edge);
        report(start, cycle);
      } else if (edge.next().compareTo(start) > 0 && visited.add(edge.next())) {
        path.add(edge);
        search(start, edge.next(), path, visited);
        path.removeLast();
        visited.remove(edge.next());
      }
    }
  }

  private void report(String start, List<Edge> cycle) {
    StringBuilder text = new StringBuilder(start);
    cycle.forEach(e -> text.append(" -> ").append(e.event()).append(" -> [").append(e.policy()).append("] -> ")
        .append(e.next()));
    if (reported.add(text.toString())) {
      warnings.add(new ModelError(ModelError.POLICY_CYCLE, "policies." + cycle.getFirst().policy(),
          "policy cycle: " + text + "; make sure a condition ends it"));
    }
  }
}
