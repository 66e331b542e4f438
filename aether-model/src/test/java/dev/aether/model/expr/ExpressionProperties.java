package dev.aether.model.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class ExpressionProperties {

  private static final CompiledExpression SUM = Account.compile("state.balance + cmd.amount", FieldType.INT);
  private static final CompiledExpression CAN_WITHDRAW =
      Account.compile("state.balance >= cmd.amount", FieldType.BOOL);
  private static final CompiledExpression AT = Account.compile("cmd.at", FieldType.TIMESTAMP);
  private static final CompiledExpression AS_DOUBLE = Account.compile("cmd.amount", FieldType.DOUBLE);

  private static Map<String, Object> vars(long balance, long amount) {
    return Map.of("state", Map.of("balance", balance), "cmd", Map.of("amount", amount));
  }

  @Property
  void addition_isJavasExactAdditionOrAnOverflowError(@ForAll long balance, @ForAll long amount) {
    long expected;
    try {
      expected = Math.addExact(balance, amount);
    } catch (ArithmeticException overflow) {
      assertThatThrownBy(() -> SUM.evaluate(vars(balance, amount)))
          .isInstanceOf(ExpressionEvaluationException.class)
          .hasMessageContaining("numeric overflow");
      return;
    }
    assertThat(SUM.evaluate(vars(balance, amount))).isEqualTo(expected);
  }

  @Property
  void comparison_agreesWithJava(@ForAll long balance, @ForAll long amount) {
    assertThat(CAN_WITHDRAW.evaluate(vars(balance, amount))).isEqualTo(balance >= amount);
  }

  @Property
  void intToDouble_widensLikeJava(@ForAll long amount) {
    assertThat(AS_DOUBLE.evaluate(vars(0, amount))).isEqualTo((double) amount);
  }

  @Property
  void timestamp_roundTripsThroughIso8601(
      @ForAll @LongRange(min = -62_135_596_800L, max = 253_402_300_799L) long seconds,
      @ForAll @LongRange(min = 0, max = 999_999_999) long nanos) {
    String iso = Instant.ofEpochSecond(seconds, nanos).toString();

    Object result = AT.evaluate(Map.of("cmd", Map.of("at", iso)));

    assertThat(result).isEqualTo(iso);
  }

  @Property
  void timestampParsing_agreesWithInstantParse(
      @ForAll @LongRange(min = -62_135_596_800L, max = 253_402_300_799L) long seconds,
      @ForAll @LongRange(min = 0, max = 999_999_999) long nanos) {
    String iso = Instant.ofEpochSecond(seconds, nanos).toString();

    assertThat(Timestamps.parse(iso)).isEqualTo(Instant.parse(iso));
  }
}
