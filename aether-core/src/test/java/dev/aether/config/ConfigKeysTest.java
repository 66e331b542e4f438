package dev.aether.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.aether.InvalidInputException;
import dev.aether.bus.OverflowPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ConfigKeysTest {

  private static final String PREFIX = "aether.test.";
  private static final Set<String> NAMES = Set.of("timeout", "size", "enabled", "policy", "hosts", "label");

  @Test
  void formatDuration_writesWhatParseDurationReadsBack_inTheLargestWholeUnit() {
    Map<Duration, String> written = new LinkedHashMap<>();
    written.put(Duration.ZERO, "0s");
    written.put(Duration.ofMillis(500), "500ms");
    written.put(Duration.ofMillis(1500), "1500ms");
    written.put(Duration.ofSeconds(5), "5s");
    written.put(Duration.ofSeconds(90), "90s");
    written.put(Duration.ofMinutes(15), "15m");
    written.put(Duration.ofHours(2), "2h");
    written.put(Duration.ofDays(365), "365d");
    written.put(Duration.ofNanos(250_000), "250us");
    written.put(Duration.ofNanos(7), "7ns");
    written.put(Duration.ofSeconds(-5), "-PT5S");
    written.put(Duration.ofSeconds(Long.MAX_VALUE / 2), Long.MAX_VALUE / 2 + "s");
    written.forEach((duration, text) -> {
      assertThat(ConfigKeys.formatDuration(duration)).isEqualTo(text);
      assertThat(ConfigKeys.parseDuration(text)).isEqualTo(duration);
    });
  }

  @Test
  void parseDuration_readsEveryUnitAndIso8601() {
    assertThat(ConfigKeys.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(ConfigKeys.parseDuration("15m")).isEqualTo(Duration.ofMinutes(15));
    assertThat(ConfigKeys.parseDuration(" 2s ")).isEqualTo(Duration.ofSeconds(2));
    assertThat(ConfigKeys.parseDuration("3h")).isEqualTo(Duration.ofHours(3));
    assertThat(ConfigKeys.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(ConfigKeys.parseDuration("10ns")).isEqualTo(Duration.ofNanos(10));
    assertThat(ConfigKeys.parseDuration("7us")).isEqualTo(Duration.ofNanos(7_000));
    assertThat(ConfigKeys.parseDuration("0ms")).isEqualTo(Duration.ZERO);
    assertThat(ConfigKeys.parseDuration("PT15M")).isEqualTo(Duration.ofMinutes(15));
    assertThat(ConfigKeys.parseDuration("pt1.5s")).isEqualTo(Duration.ofMillis(1_500));
    assertThat(ConfigKeys.parseDuration("P1D")).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void parseDuration_refusesAnythingElse_sayingWhatItWanted() {
    for (String bad : List.of("15", "m", "1.5s", "--5s", "- 5s", "", " ", "15 minutes", "5 sec", "PTX", "P", "9999999999999999999d",
        "999999999999999d", "9223372036854775807us")) {
      assertThatIllegalArgumentException().as(bad).isThrownBy(() -> ConfigKeys.parseDuration(bad))
          .withMessageContaining("is not a duration");
    }
    assertThatIllegalArgumentException().isThrownBy(() -> ConfigKeys.parseDuration("15"))
        .withMessageContaining("500ms").withMessageContaining("PT15M");
    assertThatIllegalArgumentException().isThrownBy(() -> ConfigKeys.parseDuration(null))
        .withMessageContaining("no value");
    assertThat(ConfigKeys.parseDuration("-5s")).as("a range is the key's to check").isEqualTo(Duration.ofSeconds(-5));
    assertThat(ConfigKeys.parseDuration("-PT5S")).isEqualTo(Duration.ofSeconds(-5));
  }

  @Test
  void parseInt_readsDecimalWithUnderscores_andRefusesTheRest() {
    assertThat(ConfigKeys.parseInt("42")).isEqualTo(42);
    assertThat(ConfigKeys.parseInt(" 100_000 ")).isEqualTo(100_000);
    assertThat(ConfigKeys.parseInt("-3")).isEqualTo(-3);
    assertThat(ConfigKeys.parseInt("2147483647")).isEqualTo(Integer.MAX_VALUE);
    for (String bad : List.of("x", "1.0", "", "1_", "_1", "1__0", "2147483648", "0x10", "1e3")) {
      assertThatIllegalArgumentException().as(bad).isThrownBy(() -> ConfigKeys.parseInt(bad))
          .withMessageContaining("is not an integer");
    }
  }

  @Test
  void parseBoolean_acceptsOnlyTrueAndFalse() {
    assertThat(ConfigKeys.parseBoolean("true")).isTrue();
    assertThat(ConfigKeys.parseBoolean(" FALSE ")).isFalse();
    for (String bad : List.of("yes", "1", "", "on", "t")) {
      assertThatIllegalArgumentException().as(bad).isThrownBy(() -> ConfigKeys.parseBoolean(bad))
          .withMessageContaining("is not a boolean");
    }
  }

  @Test
  void parseEnum_readsNamesInAnyCaseWithDashes_andListsTheConstantsWhenRefusing() {
    assertThat(ConfigKeys.parseEnum(OverflowPolicy.class, "drop-newest")).isEqualTo(OverflowPolicy.DROP_NEWEST);
    assertThat(ConfigKeys.parseEnum(OverflowPolicy.class, "BLOCK")).isEqualTo(OverflowPolicy.BLOCK);
    assertThatIllegalArgumentException().isThrownBy(() -> ConfigKeys.parseEnum(OverflowPolicy.class, "nope"))
        .withMessageContaining("drop-newest").withMessageContaining("block");
  }

  @Test
  void parseList_splitsOnCommasAndTrims_keepingEmptyElementsForTheSetterToRefuse() {
    assertThat(ConfigKeys.parseList("a, b ,c")).containsExactly("a", "b", "c");
    assertThat(ConfigKeys.parseList("a")).containsExactly("a");
    assertThat(ConfigKeys.parseList("a,,b")).containsExactly("a", "", "b");
  }

  @Test
  void of_handsEveryKnownKeyToItsSetter_andIgnoresOtherPrefixes() {
    Map<String, String> settings = Map.of(
        "aether.test.timeout", "250ms", "aether.test.size", "8", "aether.test.enabled", "true",
        "aether.test.policy", "block", "aether.test.hosts", "a,b", "aether.test.label", " as is ",
        "aether.other.size", "not a number", "aether.testing.size", "x", "aether.test", "x", "PATH", "/bin");
    List<Object> seen = new ArrayList<>();

    ConfigKeys.of(settings, PREFIX, NAMES)
        .duration("timeout", seen::add).integer("size", seen::add).bool("enabled", seen::add)
        .enumeration("policy", OverflowPolicy.class, seen::add).list("hosts", seen::add)
        .string("label", seen::add);

    assertThat(seen).containsExactly(Duration.ofMillis(250), 8, true, OverflowPolicy.BLOCK, List.of("a", "b"),
        " as is ");
  }

  @Test
  void of_leavesSettersAloneForMissingKeys() {
    List<Object> seen = new ArrayList<>();
    ConfigKeys keys = ConfigKeys.of(Map.of(), PREFIX, NAMES).duration("timeout", seen::add).integer("size", seen::add);

    assertThat(seen).isEmpty();
    assertThat(keys.raw("timeout")).isEmpty();
    assertThat(keys.key("timeout")).isEqualTo("aether.test.timeout");
    assertThat(keys.prefix()).isEqualTo(PREFIX);
  }

  @Test
  void of_refusesAnUnknownKeyOfItsPrefix_namingItAndListingTheKnownOnes() {
    assertRefused(() -> ConfigKeys.of(Map.of("aether.test.tiemout", "1s"), PREFIX, NAMES), "aether.test.tiemout")
        .withMessageContaining("unknown key").withMessageContaining("timeout").withMessageContaining("size");
    assertRefused(() -> ConfigKeys.of(Map.of("aether.test.Timeout", "1s"), PREFIX, NAMES), "aether.test.Timeout");
    assertRefused(() -> ConfigKeys.of(Map.of("aether.test.", "1s"), PREFIX, NAMES), "aether.test.");
  }

  @Test
  void of_refusesANullValueAndANullMap() {
    Map<String, String> settings = new HashMap<>();
    settings.put("aether.test.size", null);
    assertRefused(() -> ConfigKeys.of(settings, PREFIX, NAMES), "aether.test.size").withMessageContaining("no value");
    assertRefused(() -> ConfigKeys.of(null, PREFIX, NAMES), "settings");
  }

  @Test
  void badValues_areRefusedNamingTheKeyAndTheCause() {
    assertRefused(() -> keys("timeout", "15").duration("timeout", d -> { }), "aether.test.timeout")
        .withMessageContaining("\"15\" is not a duration");
    assertRefused(() -> keys("size", "big").integer("size", i -> { }), "aether.test.size")
        .withMessageContaining("\"big\" is not an integer");
    assertRefused(() -> keys("enabled", "yes").bool("enabled", b -> { }), "aether.test.enabled")
        .withMessageContaining("true or false");
    assertRefused(() -> keys("policy", "never").enumeration("policy", OverflowPolicy.class, p -> { }),
        "aether.test.policy").withMessageContaining("drop-newest");
  }

  @Test
  void aSetterRefusal_isRenamedToTheKey_keepingTheCause() {
    InvalidInputException cause = new InvalidInputException("size", "must be > 0, was 0");

    assertRefused(() -> keys("size", "0").integer("size", i -> {
      throw cause;
    }), "aether.test.size").withMessage("aether.test.size: must be > 0, was 0").withCause(cause);
    assertRefused(() -> keys("hosts", "a").list("hosts", l -> {
      throw new InvalidInputException("hosts[0]", "is not a URL");
    }), "aether.test.hosts").withMessage("aether.test.hosts: hosts[0]: is not a URL");
  }

  @Test
  void build_namesTheKeyOfAFieldRefusedByARuleBetweenValues() {
    ConfigKeys keys = ConfigKeys.of(Map.of(), "aether.test.", Set.of("group-commit-limit", "mailbox-capacity",
        "shards"));

    // the other field the rule names is named by its key too (found by a new user: "mailboxCapacity" in a
    // refusal of settings that were all keys); a one-word name is left alone, it may be a plain word
    assertRefused(() -> keys.build(() -> {
      throw new InvalidInputException("groupCommitLimit", "must be <= mailboxCapacity (10) of shards, was 11");
    }), "aether.test.group-commit-limit").withMessage(
        "aether.test.group-commit-limit: must be <= aether.test.mailbox-capacity (10) of shards, was 11");
    assertRefused(() -> keys.build(() -> {
      throw new InvalidInputException("other", "bad");
    }), "other");
    assertThat(keys.build(() -> "built")).isEqualTo("built");
  }

  @Test
  void fromProperties_keepsTheStringEntries() {
    Properties properties = new Properties();
    properties.setProperty("aether.test.size", "3");
    properties.put("aether.test.timeout", Duration.ofSeconds(1));

    assertThat(ConfigKeys.fromProperties(properties)).containsExactly(Map.entry("aether.test.size", "3"));
    assertRefused(() -> ConfigKeys.fromProperties(null), "properties");
  }

  @Test
  void aPrefixOrNameBreakingTheKeyStyle_isAProgrammingError() {
    assertThatIllegalArgumentException().isThrownBy(() -> ConfigKeys.of(Map.of(), "aether.test", NAMES));
    assertThatIllegalArgumentException().isThrownBy(() -> ConfigKeys.of(Map.of(), "other.test.", NAMES));
    assertThatIllegalArgumentException().isThrownBy(() -> ConfigKeys.of(Map.of(), PREFIX, Set.of("camelCase")));
    assertThatIllegalArgumentException().isThrownBy(() -> ConfigKeys.of(Map.of(), PREFIX, NAMES).raw("nope"));
  }

  private static ConfigKeys keys(String name, String value) {
    return ConfigKeys.of(Map.of(PREFIX + name, value), PREFIX, NAMES);
  }

  private static org.assertj.core.api.ThrowableAssertAlternative<InvalidInputException> assertRefused(
      ThrowingCallable call, String field) {
    var refused = assertThatExceptionOfType(InvalidInputException.class).isThrownBy(call);
    refused.satisfies(e -> assertThat(e.field()).isEqualTo(field));
    return refused;
  }
}
