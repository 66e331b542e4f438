package dev.aether.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Properties of the actor-id-to-subject-token encoding: reversible, collision-free, always one valid token. */
class ActorTokensProperties {

  /** One subject token that is also a KV key: no '.', '*', '>', whitespace or control characters. */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]+");

  @Property(tries = 2000)
  void decode_ofEncode_returnsTheStreamId(@ForAll("streamIds") String streamId) {
    assertThat(ActorTokens.decode(ActorTokens.encode(streamId))).isEqualTo(streamId);
  }

  @Property(tries = 2000)
  void encode_isOneValidSubjectTokenOfBoundedLength(@ForAll("streamIds") String streamId) {
    String token = ActorTokens.encode(streamId);
    assertThat(token).matches(TOKEN).hasSizeLessThanOrEqualTo(ActorTokens.MAX_TOKEN_LENGTH);
  }

  @Property(tries = 2000)
  void encode_ofDistinctIds_givesDistinctTokens(@ForAll("nearIds") String a, @ForAll("nearIds") String b) {
    if (!a.equals(b)) {
      assertThat(ActorTokens.encode(a)).isNotEqualTo(ActorTokens.encode(b));
    }
  }

  @Property(tries = 500)
  void encode_isInjectiveOnSetsOfSimilarIds(@ForAll @Size(min = 2, max = 60) List<@net.jqwik.api.From("nearIds") String> ids) {
    Set<String> distinctIds = new HashSet<>(ids);
    Set<String> tokens = new HashSet<>();
    distinctIds.forEach(id -> tokens.add(ActorTokens.encode(id)));
    assertThat(tokens).hasSameSizeAs(distinctIds);
  }

  @Property(tries = 300)
  void encode_ofReadableIds_keepsThemAsTheyAre(@ForAll("readableIds") String streamId) {
    assertThat(ActorTokens.encode(streamId)).isEqualTo(streamId);
  }

  @Example
  void encode_ofIdsWithSubjectSpecialCharacters_encodesThem() {
    for (String id : List.of("a.b", "a*", "a>", "a b", "a\tb", "\u0000", "_x", "a/b", "\u65E5\u672C")) {
      assertThat(ActorTokens.encode(id)).as(id).startsWith("_").matches(TOKEN);
    }
  }

  @Property(tries = 1000)
  void decode_again_givesTheSameStreamId_evenAfterTokensOfTheSameCacheSlot(@ForAll("streamIds") String streamId) {
    String token = ActorTokens.encode(streamId);
    // "Aa" and "BB" have the same hash code, so they share a slot of the decoded-token cache
    assertThat(ActorTokens.decode(new String(token))).isEqualTo(streamId);
    assertThat(ActorTokens.decode("Aa")).isEqualTo("Aa");
    assertThat(ActorTokens.decode("BB")).isEqualTo("BB");
    assertThat(ActorTokens.decode(new String(token))).isEqualTo(streamId);
  }

  @Example
  void decode_ofAnInvalidToken_isRefusedEveryTime_notOnlyTheFirst() {
    String valid = ActorTokens.encode("a/b");
    for (String bad : List.of("_aQ", "a.b", "", "_!!", valid + "=")) {
      for (int i = 0; i < 3; i++) {
        assertThat(ActorTokens.decode(valid)).isEqualTo("a/b");
        assertThatExceptionOfType(IllegalArgumentException.class).as(bad).isThrownBy(() -> ActorTokens.decode(bad));
      }
    }
  }

  @Example
  void encode_ofTheLongestStreamId_staysWithinTheBound() {
    String longest = "\u65E5".repeat(Event.MAX_STREAM_ID_BYTES / 3) + "xy";
    assertThat(longest.getBytes(StandardCharsets.UTF_8)).hasSize(Event.MAX_STREAM_ID_BYTES);
    assertThat(ActorTokens.encode(longest)).hasSize(ActorTokens.MAX_TOKEN_LENGTH);
  }

  @Example
  void encode_ofAnUnpairedSurrogate_isRefusedNamingStreamId() {
    for (String id : List.of("a\uD800", "\uDC00b", "x\uD83Dy")) {
      assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> ActorTokens.encode(id))
          .extracting(InvalidInputException::field).isEqualTo("streamId");
    }
  }

  @Property(tries = 300)
  void decode_ofAnythingThatIsNotAToken_isRefusedOrRoundTrips(@ForAll("nearIds") String text) {
    try {
      String decoded = ActorTokens.decode(text);
      assertThat(ActorTokens.encode(decoded)).isEqualTo(text);
    } catch (IllegalArgumentException refused) {
      // not a token: fine
    }
  }

  @Provide
  Arbitrary<String> streamIds() {
    return Arbitraries.oneOf(
        readableIds(),
        nearIds(),
        Arbitraries.strings().withCharRange('\u0000', '\uD7FF').ofMinLength(1).ofMaxLength(60),
        Arbitraries.strings().withChars("\uD83D\uDE80\u00FC\u05E9. *>").ofMinLength(1).ofMaxLength(30)
            .filter(ActorTokensProperties::wellFormed),
        Arbitraries.strings().withCharRange(' ', '~').ofLength(1024),
        Arbitraries.strings().withCharRange('\u0400', '\u04FF').ofMinLength(1000).ofMaxLength(1024))
        .filter(id -> !id.isBlank() && id.getBytes(StandardCharsets.UTF_8).length <= Event.MAX_STREAM_ID_BYTES);
  }

  /** Short ids over a tiny alphabet full of escape-prone characters: pairs are often near each other. */
  @Provide
  Arbitrary<String> nearIds() {
    return Arbitraries.strings().withChars("a_.-*> \u0000\u00E9A=+/").ofMinLength(1).ofMaxLength(6)
        .filter(id -> !id.isBlank());
  }

  @Provide
  Arbitrary<String> readableIds() {
    return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
        .withChars("-_").ofMinLength(1).ofMaxLength(40).filter(id -> id.charAt(0) != '_');
  }

  private static boolean wellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
