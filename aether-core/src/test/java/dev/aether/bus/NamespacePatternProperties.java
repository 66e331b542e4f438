package dev.aether.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Checks {@link NamespacePattern} and {@link Namespaces} against two independent reference matchers written
 * here (a recursive one over token lists, and one that builds a regular expression) on generated names and
 * patterns, and checks that generated valid input is accepted and corrupted input refused.
 */
class NamespacePatternProperties {

  // ---- generators -------------------------------------------------------------------------------------

  /** Few distinct literals, so patterns and namespaces share tokens often enough to match. */
  private static Arbitrary<String> literal() {
    return Arbitraries.oneOf(
        Arbitraries.of("a", "b", "ab", "x-1", "_", "A"),
        Arbitraries.strings().withChars("abAB09_-").ofMinLength(1).ofMaxLength(4));
  }

  @Provide
  Arbitrary<List<String>> namespaces() {
    return literal().list().ofMinSize(1).ofMaxSize(5);
  }

  @Provide
  Arbitrary<List<String>> patterns() {
    Arbitrary<String> token = Arbitraries.frequencyOf(
        Tuple.of(3, literal()), Tuple.of(1, Arbitraries.just("*")));
    return Combinators.combine(token.list().ofMinSize(0).ofMaxSize(5), Arbitraries.of(true, false))
        .as((tokens, tail) -> {
          List<String> pattern = new ArrayList<>(tokens);
          if (tail || pattern.isEmpty()) {
            pattern.add(">");
          }
          return pattern;
        });
  }

  /** Actor ids: any text over an alphabet that includes dots and wildcard characters; may be empty. */
  @Provide
  Arbitrary<String> streamIds() {
    return Arbitraries.strings().withChars("ab.*>-@").ofMinLength(0).ofMaxLength(10);
  }

  @Provide
  Arbitrary<List<String>> actorPatterns() {
    Arbitrary<String> literal = Arbitraries.strings().withChars("ab-@").ofMinLength(1).ofMaxLength(2);
    Arbitrary<String> token = Arbitraries.frequencyOf(
        Tuple.of(3, literal), Tuple.of(1, Arbitraries.just("*")));
    return Combinators.combine(token.list().ofMinSize(0).ofMaxSize(4), Arbitraries.of(true, false))
        .as((tokens, tail) -> {
          List<String> pattern = new ArrayList<>(tokens);
          if (tail || pattern.isEmpty()) {
            pattern.add(">");
          }
          return pattern;
        });
  }

  // ---- reference matchers -----------------------------------------------------------------------------

  /** Recursive token-list matcher: the NATS rules stated directly. */
  static boolean referenceMatch(List<String> pattern, List<String> name) {
    if (pattern.isEmpty()) {
      return name.isEmpty();
    }
    String head = pattern.getFirst();
    if (head.equals(">")) {
      return !name.isEmpty();
    }
    if (name.isEmpty()) {
      return false;
    }
    return (head.equals("*") || head.equals(name.getFirst()))
        && referenceMatch(pattern.subList(1, pattern.size()), name.subList(1, name.size()));
  }

  /** Regex matcher: each literal token quoted, {@code *} one token, {@code >} one or more tokens. */
  static Pattern referenceRegex(List<String> pattern) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < pattern.size(); i++) {
      String token = pattern.get(i);
      if (i > 0) {
        regex.append("\\.");
      }
      switch (token) {
        case "*" -> regex.append("[^.]+");
        case ">" -> regex.append("[^.]+(?:\\.[^.]+)*");
        default -> regex.append(Pattern.quote(token));
      }
    }
    return Pattern.compile(regex.toString());
  }

  private static List<String> tokens(String name) {
    return Arrays.asList(name.split("\\.", -1));
  }

  // ---- properties -------------------------------------------------------------------------------------

  @Property
  void matches_agreesWithBothReferences(
      @ForAll("patterns") List<String> pattern, @ForAll("namespaces") List<String> namespace) {
    String p = String.join(".", pattern);
    String n = String.join(".", namespace);
    boolean expected = referenceMatch(pattern, namespace);
    assertThat(referenceRegex(pattern).matcher(n).matches()).isEqualTo(expected);
    assertThat(NamespacePattern.parse(p).matches(n)).as("%s ~ %s", p, n).isEqualTo(expected);
  }

  @Property
  void patternDerivedFromANamespace_matchesIt(
      @ForAll("namespaces") List<String> namespace, @ForAll long seed) {
    Random random = new Random(seed);
    List<String> pattern = new ArrayList<>();
    for (String token : namespace) {
      pattern.add(random.nextInt(3) == 0 ? "*" : token);
    }
    if (random.nextBoolean()) {
      int keep = random.nextInt(namespace.size());
      pattern = new ArrayList<>(pattern.subList(0, keep));
      pattern.add(">");
    }
    String p = String.join(".", pattern);
    assertThat(NamespacePattern.parse(p).matches(String.join(".", namespace))).as(p).isTrue();
  }

  @Property
  void validPatterns_areAccepted_andWildcardIffAWildcardToken(@ForAll("patterns") List<String> pattern) {
    String p = String.join(".", pattern);
    assertThat(Namespaces.validatePattern(p)).isEqualTo(p);
    assertThat(NamespacePattern.parse(p).isWildcard())
        .isEqualTo(pattern.contains("*") || pattern.contains(">"));
  }

  @Property
  void validNamespaces_areAccepted_andMatchOnlyThemselvesAsPatterns(
      @ForAll("namespaces") List<String> namespace, @ForAll("namespaces") List<String> other) {
    String n = String.join(".", namespace);
    String o = String.join(".", other);
    assertThat(Namespaces.validateNamespace(n)).isEqualTo(n);
    NamespacePattern exact = NamespacePattern.parse(n);
    assertThat(exact.isWildcard()).isFalse();
    assertThat(exact.matches(n)).isTrue();
    assertThat(exact.matches(o)).isEqualTo(n.equals(o));
  }

  @Property
  void wildcardPatterns_areNeverValidNamespaces(@ForAll("patterns") List<String> pattern) {
    Assume.that(pattern.contains("*") || pattern.contains(">"));
    assertThatThrownBy(() -> Namespaces.validateNamespace(String.join(".", pattern)))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("namespace"));
  }

  @Property
  void corruptedPatterns_areRefusedNamingThePattern(
      @ForAll("patterns") List<String> pattern, @ForAll long seed) {
    String corrupted = corrupt(pattern, new Random(seed));
    assertThatThrownBy(() -> Namespaces.validatePattern(corrupted))
        .as("\"%s\"", corrupted)
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("pattern"));
    assertThatThrownBy(() -> NamespacePattern.parse(corrupted)).isInstanceOf(InvalidInputException.class);
  }

  @Property
  void actorPatterns_agreeWithTheReferenceOnAnyStreamId(
      @ForAll("actorPatterns") List<String> pattern, @ForAll("streamIds") String streamId) {
    String p = String.join(".", pattern);
    assertThat(NamespacePattern.parseActorPattern(p).matches(streamId))
        .as("%s ~ %s", p, streamId)
        .isEqualTo(referenceMatch(pattern, tokens(streamId)));
  }

  /** Breaks a valid pattern in one of the ways the rules forbid. */
  private static String corrupt(List<String> pattern, Random random) {
    String p = String.join(".", pattern);
    int at = random.nextInt(p.length() + 1);
    return switch (random.nextInt(8)) {
      case 0 -> "." + p;
      case 1 -> p + ".";
      case 2 -> p.substring(0, at) + " " + p.substring(at);
      case 3 -> p.substring(0, at) + "\t" + p.substring(at);
      case 4 -> p.substring(0, at) + "#" + p.substring(at);
      case 5 -> p.endsWith(">") ? p + ".a" : p + ".>.a";
      case 6 -> withEmptyToken(pattern, random);
      default -> p.endsWith(">") ? p + "x" : p + "*";
    };
  }

  private static String withEmptyToken(List<String> pattern, Random random) {
    List<String> tokens = new ArrayList<>(pattern);
    tokens.add(random.nextInt(tokens.size() + 1), "");
    return String.join(".", tokens);
  }
}
