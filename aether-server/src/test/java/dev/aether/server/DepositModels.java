package dev.aether.server;

/**
 * Versions of a bank model whose event {@code Deposited} changes the type of its field {@code amount}: the model
 * texts the tests of the recorded event field types load one after the other.
 */
final class DepositModels {

  private static final String ACCOUNT = """
      name: bank
      version: "%s"
      aggregates:
        - name: Account
          state: [{name: balance, type: int}]
          commands:
            - name: Deposit
              fields: [{name: amount, type: int}]
              emits: [{event: Deposited, data: {%s}}]
          events:
            - name: Deposited
              fields: [%s]
              apply: {balance: "%s"}
      """;

  private DepositModels() {}

  /** Deposited holds amount as an int. */
  static String ints(String version) {
    return ACCOUNT.formatted(version, "amount: cmd.amount", "{name: amount, type: int}",
        "state.balance + event.amount");
  }

  /** Deposited no longer declares amount (a warning: event-field-removed). */
  static String withoutAmount(String version) {
    return ACCOUNT.formatted(version, "count: 1", "{name: count, type: int, default: 1}",
        "state.balance + event.count");
  }

  /** Deposited declares amount again, as a string. */
  static String strings(String version) {
    return ACCOUNT.formatted(version, "amount: string(cmd.amount)", "{name: amount, type: string}",
        "state.balance + int(event.amount)");
  }
}
