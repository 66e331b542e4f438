package dev.aether.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.LongRange;

/** {@link Timestamps#format} writes exactly what {@link Instant#toString()} writes, and the parser reads it back. */
class TimestampsFormatProperties {

  /** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z. */
  private static final long FIRST_SECOND = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
  private static final long END_SECOND = Instant.parse("+10000-01-01T00:00:00Z").getEpochSecond();

  @Property(tries = 5000)
  void format_equalsToString_forYears0000To9999(@ForAll("seconds") long seconds, @ForAll("nanos") int nanos) {
    Instant instant = Instant.ofEpochSecond(seconds, nanos);

    String text = Timestamps.format(instant);

    assertThat(text).isEqualTo(instant.toString());
    assertThat(Timestamps.canonical(text)).isEqualTo(instant);
  }

  @Property(tries = 500)
  void format_equalsToString_outsideThoseYears(
      @ForAll @LongRange(min = -31_557_014_167_219_200L, max = 31_556_889_864_403_199L) long seconds,
      @ForAll("nanos") int nanos) {
    Instant instant = Instant.ofEpochSecond(seconds, nanos);

    assertThat(Timestamps.format(instant)).isEqualTo(instant.toString());
  }

  @Example
  void format_edges() {
    for (String text : new String[] {"0000-01-01T00:00:00Z", "0000-02-29T23:59:59.999999999Z",
        "0000-03-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000001Z",
        "1900-02-28T12:00:00Z", "1900-03-01T00:00:00.100Z", "2000-02-29T00:00:00.120Z", "2024-01-15T08:30:00Z",
        "2100-12-31T23:59:59.000000001Z", "9999-12-31T23:59:59.999999999Z"}) {
      Instant instant = Instant.parse(text);
      assertThat(Timestamps.format(instant)).as(text).isEqualTo(text).isEqualTo(instant.toString());
    }
    assertThat(Timestamps.format(Instant.MIN)).isEqualTo(Instant.MIN.toString());
    assertThat(Timestamps.format(Instant.MAX)).isEqualTo(Instant.MAX.toString());
    assertThat(Timestamps.format(Instant.ofEpochSecond(FIRST_SECOND - 1))).isEqualTo("-0001-12-31T23:59:59Z");
    assertThat(Timestamps.format(Instant.ofEpochSecond(END_SECOND))).isEqualTo("+10000-01-01T00:00:00Z");
    assertThatNullPointerException().isThrownBy(() -> Timestamps.format(null));
  }

  @Provide
  Arbitrary<Long> seconds() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.longs().between(FIRST_SECOND, END_SECOND - 1)),
        Tuple.of(3, Arbitraries.longs().between(-5_000_000_000L, 5_000_000_000L)),
        Tuple.of(1, Arbitraries.of(FIRST_SECOND, END_SECOND - 1, -1L, 0L, 86_399L, 86_400L)));
  }

  /** Nanoseconds of every shape: none, whole milliseconds, whole microseconds, any. */
  @Provide
  Arbitrary<Integer> nanos() {
    return Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(0, 999).map(ms -> ms * 1_000_000),
        Arbitraries.integers().between(0, 999_999).map(us -> us * 1_000),
        Arbitraries.integers().between(0, 999_999_999));
  }
}
