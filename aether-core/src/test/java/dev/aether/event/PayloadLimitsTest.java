package dev.aether.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.aether.InvalidInputException;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** {@link PayloadLimits}: built only by its builder or a key map, validated, with one key style. */
class PayloadLimitsTest {

  @Test
  void limits_haveNoPublicConstructor_soALimitCanBeAddedWithoutBreakingCallers() {
    assertThat(PayloadLimits.class.getConstructors()).isEmpty();
    assertThat(PayloadLimits.class.isRecord()).isFalse();
  }

  @Test
  void builder_refusesEachBadValueNamingTheField() {
    assertRefused(() -> PayloadLimits.builder().maxDepth(0), "maxDepth");
    assertRefused(() -> PayloadLimits.builder().maxDepth(PayloadLimits.MAX_DEPTH_CEILING + 1), "maxDepth");
    assertRefused(() -> PayloadLimits.builder().maxStringLength(0), "maxStringLength");
    assertRefused(() -> PayloadLimits.builder().maxBytes(PayloadLimits.MIN_MAX_BYTES - 1), "maxBytes");
  }

  @Test
  void aBadSystemProperty_isRefusedAtEveryCall_asAnInvalidInputException_neverAnError() {
    // found by a new user: the first call threw ExceptionInInitializerError, every later one NoClassDefFoundError
    Event stored = Event.builder().eventType("E").streamId("A/a").version(1).data(Map.of("x", 1)).build();
    byte[] json = EventJson.toBytes(stored);
    for (String[] bad : new String[][] {{"aether.payload.maxDepth", "32"}, {"aether.payload.max-depth", "abc"}}) {
      System.setProperty(bad[0], bad[1]);
      PayloadLimits.forgetCurrent();
      try {
        for (int call = 0; call < 2; call++) {
          assertRefused(PayloadLimits::current, bad[0]);
        }
        assertRefused(() -> Event.builder().eventType("E").streamId("A/a").version(1).build(), bad[0]);
        assertThat(EventJson.fromBytes(json)).as("stored events still read (the ceilings apply)").isEqualTo(stored);
      } finally {
        System.clearProperty(bad[0]);
        PayloadLimits.forgetCurrent();
      }
    }
    assertThat(PayloadLimits.current()).isEqualTo(PayloadLimits.DEFAULTS);
  }

  @Test
  void emptyMap_givesTheBuilderDefaults() {
    assertThat(PayloadLimits.fromMap(Map.of())).isEqualTo(PayloadLimits.builder().build())
        .isEqualTo(PayloadLimits.DEFAULTS);
  }

  @Test
  void fromMap_readsEveryKey_andIgnoresOtherPrefixes() {
    PayloadLimits limits = PayloadLimits.fromMap(Map.of(
        "aether.payload.max-depth", "12", "aether.payload.max-string-length", "1_000",
        "aether.payload.max-bytes", " 4096 ", "aether.runtime.idle-timeout", "whatever", "HOME", "/root"));

    assertThat(limits).isEqualTo(PayloadLimits.builder().maxDepth(12).maxStringLength(1_000).maxBytes(4096).build());
    assertThat(PayloadLimits.MAX_DEPTH_KEY).isEqualTo("aether.payload.max-depth");
    assertThat(PayloadLimits.MAX_STRING_LENGTH_KEY).isEqualTo("aether.payload.max-string-length");
    assertThat(PayloadLimits.MAX_BYTES_KEY).isEqualTo("aether.payload.max-bytes");
  }

  @Test
  void fromMap_refusesBadValuesNamingTheKey() {
    assertRefused(() -> PayloadLimits.fromMap(Map.of("aether.payload.max-depth", "deep")), "aether.payload.max-depth");
    assertRefused(() -> PayloadLimits.fromMap(Map.of("aether.payload.max-depth", "257")), "aether.payload.max-depth");
    assertRefused(() -> PayloadLimits.fromMap(Map.of("aether.payload.max-string-length", "0")),
        "aether.payload.max-string-length");
    assertRefused(() -> PayloadLimits.fromMap(Map.of("aether.payload.max-bytes", "63")), "aether.payload.max-bytes");
  }

  @Test
  void fromMap_refusesTheOldCamelCaseNames_ratherThanIgnoringThem() {
    assertRefused(() -> PayloadLimits.fromMap(Map.of("aether.payload.maxDepth", "12")), "aether.payload.maxDepth");
    assertRefused(() -> PayloadLimits.fromMap(Map.of("aether.payload.maxBytes", "4096")), "aether.payload.maxBytes");
  }

  @Test
  void toBuilder_roundTrips_andApplyKeepsWhatTheMapDoesNotSet() {
    PayloadLimits limits = PayloadLimits.builder().maxDepth(5).maxStringLength(7).maxBytes(100).build();

    assertThat(limits.toBuilder().build()).isEqualTo(limits).hasSameHashCodeAs(limits);
    assertThat(limits.toBuilder().apply(Map.of("aether.payload.max-depth", "6")).build())
        .isEqualTo(PayloadLimits.builder().maxDepth(6).maxStringLength(7).maxBytes(100).build());
    assertThat(limits.toString()).isEqualTo("PayloadLimits[maxDepth=5, maxStringLength=7, maxBytes=100]");
  }

  private static void assertRefused(ThrowingCallable call, String field) {
    assertThatExceptionOfType(InvalidInputException.class).isThrownBy(call)
        .satisfies(e -> assertThat(e.field()).isEqualTo(field));
  }
}
