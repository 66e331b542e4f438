package dev.aether.nats.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.runtime.CommandResult;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the clients of a bank test share: they send commands to one of the runtimes, resend a command with the
 * same id while its rejection is transient (so a conflict, timeout or unknown outcome is retried, possibly on
 * another runtime), and keep a ledger of what was accepted. Thread-safe.
 */
final class BankClient {

  /** Attempts per command before the test gives up: far above what retries need (also with short timeouts). */
  private static final int MAX_ATTEMPTS = 1_000;

  private final List<Runtime> runtimes;
  /** The final outcome of each command id, as the client learned it. */
  final ConcurrentMap<String, CommandResult> outcomes = new ConcurrentHashMap<>();
  /** Each account's balance according to the accepted commands. */
  final ConcurrentMap<String, AtomicLong> ledger = new ConcurrentHashMap<>();
  final ConcurrentMap<RejectionReason, AtomicInteger> retriedReasons = new ConcurrentHashMap<>();
  final AtomicLong deposited = new AtomicLong();
  final AtomicInteger transfersApplied = new AtomicInteger();
  final AtomicInteger transfersRefused = new AtomicInteger();

  BankClient(List<Runtime> runtimes) {
    this.runtimes = List.copyOf(runtimes);
  }

  /** Opens an account and deposits its initial money. */
  void fund(String account, long amount) {
    assertThat(send(Bank.open(account))).isInstanceOf(Accepted.class);
    assertThat(send(Bank.deposit(account, amount, "fund-" + account))).isInstanceOf(Accepted.class);
    ledger.computeIfAbsent(account, a -> new AtomicLong()).addAndGet(amount);
    deposited.addAndGet(amount);
  }

  /**
   * Moves money: Withdraw on the source, then Deposit on the target (resent until accepted).
   *
   * @return whether the transfer was applied; {@code false} when the source lacked the money
   */
  boolean transfer(String transferId, String from, String to, long amount) {
    CommandResult withdrawn = send(Bank.withdraw(from, amount, transferId + "/w"));
    if (withdrawn instanceof Rejected r) {
      assertThat(r.reason()).as("%s", r).isEqualTo(RejectionReason.BUSINESS_RULE);
      assertThat(r.message()).contains("insufficient funds");
      transfersRefused.incrementAndGet();
      return false;
    }
    assertThat(send(Bank.deposit(to, amount, transferId + "/d"))).as("deposit of %s", transferId)
        .isInstanceOf(Accepted.class);
    ledger.get(from).addAndGet(-amount);
    ledger.get(to).addAndGet(amount);
    transfersApplied.incrementAndGet();
    return true;
  }

  /**
   * Sends a command until its outcome is final: accepted, or rejected for a reason resending cannot change.
   * Records the first final outcome of each command id.
   */
  CommandResult send(RuntimeMessage message) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Runtime runtime = runtimes.get(ThreadLocalRandom.current().nextInt(runtimes.size()));
      CommandResult result = await(runtime, message);
      if (result instanceof Rejected r && r.isTransient()) {
        retriedReasons.computeIfAbsent(r.reason(), x -> new AtomicInteger()).incrementAndGet();
        continue;
      }
      outcomes.putIfAbsent(message.commandId(), result);
      return result;
    }
    throw new AssertionError("no final outcome for " + message + " after " + MAX_ATTEMPTS + " attempts; retried: "
        + retriedReasons);
  }

  /** @return the accepted commands' final outcomes */
  List<Accepted> accepted() {
    return outcomes.values().stream().filter(Accepted.class::isInstance).map(Accepted.class::cast).toList();
  }

  /** @return the ledger as plain numbers */
  Map<String, Long> balances() {
    Map<String, Long> copy = new java.util.TreeMap<>();
    ledger.forEach((account, balance) -> copy.put(account, balance.get()));
    return copy;
  }

  private static CommandResult await(Runtime runtime, RuntimeMessage message) {
    try {
      return runtime.sendMessage(message).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("sendMessage must complete with a result within its timeout: " + message, e);
    }
  }
}
