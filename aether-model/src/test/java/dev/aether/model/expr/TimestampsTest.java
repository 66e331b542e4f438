package dev.aether.model.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "2024-01-15T08:30:00Z", "2024-02-29T23:59:59.5Z", "1970-01-01T00:00:00.000000001Z",
      "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "1969-12-31T23:59:59.123456Z",
      "2024-06-01T10:00:00+02:00", "2024-06-01T10:00:00.25-05:30", "+10000-01-01T00:00:00Z",
      "-0001-06-01T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T00:00:00.Z"})
  void parse_agreesWithInstantParse(String text) {
    assertThat(Timestamps.parse(text)).isEqualTo(Instant.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T00:60:00Z",
      "2024-01-01T00:00:60Z", "2024-01-01 00:00:00Z", "2024-01-01T00:00:00.1234567890Z",
      "2024-01-01T00:00:00", "2024-1-01T00:00:00Z", "2024-01-01T0a:00:00Z", "yesterday", ""})
  void parse_invalid_isRefusedLikeInstantParse(String text) {
    assertThatThrownBy(() -> Instant.parse(text)).isInstanceOf(DateTimeParseException.class);
    assertThatThrownBy(() -> Timestamps.parse(text)).isInstanceOf(DateTimeParseException.class);
  }
}
