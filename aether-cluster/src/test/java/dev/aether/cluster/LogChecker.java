package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.cluster.BankWorkload.Sent;
import dev.aether.cluster.CommitLog.Commit;
import dev.aether.cluster.CommitLog.Stored;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.RuntimeMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The checks of the fault suite on a log read straight from JetStream ({@link CommitLog}) against the clients'
 * log ({@link Sent}): what was stored, not what any node believes. Stateless.
 */
final class LogChecker {

  private LogChecker() {}

  /** @return the money on all accounts by a fold of their events (balances change only by these events) */
  static long money(CommitLog log) {
    long total = 0;
    for (Commit commit : log.commits()) {
      for (Stored e : commit.events()) {
        total += delta(e);
      }
    }
    return total;
  }

  /**
   * Versions 1..n per actor, the events of every command id in exactly one commit of its actor (a redelivered
   * policy command or a resent client command stored twice would show here; one commit may hold several commands:
   * group commit), every acknowledged command stored with its events and its reported version, and no event from
   * a command whose final answer was a rejection.
   */
  static void checkHistory(CommitLog log, List<Sent> sent) {
    Map<String, Set<Long>> commitsOfCommand = new HashMap<>();
    Map<String, List<Stored>> eventsOfCommand = new HashMap<>();
    for (Map.Entry<String, List<Commit>> actor : log.byActor().entrySet()) {
      long version = 0;
      for (Commit commit : actor.getValue()) {
        for (Stored e : commit.events()) {
          assertThat(e.streamId()).as("actor of an event in %s/%d", commit.stream(), commit.sequence())
              .isEqualTo(actor.getKey());
          assertThat(e.version()).as("version after %d of %s", version, actor.getKey()).isEqualTo(++version);
          String key = e.commandId() + "@" + actor.getKey();
          commitsOfCommand.computeIfAbsent(key, k -> new TreeSet<>()).add(commit.sequence());
          eventsOfCommand.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
        }
      }
    }
    commitsOfCommand.forEach((command, commits) ->
        assertThat(commits).as("the commits holding the events of command %s", command).hasSize(1));
    for (Sent s : sent) {
      List<Stored> events = eventsOfCommand.get(s.commandId() + "@Account/" + s.account());
      if (s.outcome() instanceof Accepted a) {
        assertThat(events).as("the events of acknowledged command %s on %s", s.commandId(), s.account()).isNotNull();
        if (!a.duplicate()) {
          assertThat(events).as("events of %s", s.commandId()).hasSize(a.events().size());
          assertThat(events.getLast().version()).as("version reported for %s", s.commandId()).isEqualTo(a.newVersion());
        }
      } else if (s.outcome() instanceof Rejected r && !r.isTransient()) {
        assertThat(events).as("events of %s, answered %s", s.commandId(), r).isNull();
      }
    }
  }

  /**
   * Every account answers, and the state its runtime decides on is the fold of its log: a deposit of 1 is
   * accepted at version n + 1; then a withdrawal of (balance + 2) is refused by the funds rule and one of
   * (balance + 1) accepted at version n + 2, which pins the runtime's balance to the fold's.
   */
  static void checkState(CommitLog log, List<String> accounts, Function<RuntimeMessage, CommandResult> send) {
    Map<String, List<Commit>> byActor = log.byActor();
    for (String account : accounts) {
      List<Commit> commits = byActor.getOrDefault("Account/" + account, List.of());
      long version = commits.isEmpty() ? 0 : commits.getLast().lastVersion();
      long balance = commits.stream().flatMap(c -> c.events().stream()).mapToLong(LogChecker::delta).sum();
      CommandResult deposit = send.apply(message(account, "Deposit", 1));
      assertThat(deposit).as("%s answers a deposit after the cluster settled", account).isInstanceOf(Accepted.class);
      assertThat(((Accepted) deposit).newVersion()).as("version of %s after a deposit", account).isEqualTo(version + 1);
      CommandResult tooMuch = send.apply(message(account, "Withdraw", balance + 2));
      assertThat(tooMuch).as("%s refuses to withdraw its folded balance %d + 1 + 1", account, balance)
          .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.reason()).isEqualTo(RejectionReason.BUSINESS_RULE));
      CommandResult all = send.apply(message(account, "Withdraw", balance + 1));
      assertThat(all).as("%s withdraws its folded balance %d + 1", account, balance).isInstanceOf(Accepted.class);
      assertThat(((Accepted) all).newVersion()).as("version of %s after the withdrawal", account).isEqualTo(version + 2);
    }
  }

  private static RuntimeMessage message(String account, String command, long amount) {
    return RuntimeMessage.builder("Account", account, command).payload(Map.of("amount", amount)).build();
  }

  private static long delta(Stored e) {
    return switch (e.type()) {
      case "Deposited", "TransferReceived" -> e.amount();
      case "Withdrawn", "TransferSent" -> -e.amount();
      default -> 0;
    };
  }
}
