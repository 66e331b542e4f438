package dev.aether.config;

import dev.aether.InvalidInputException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The keys of one configuration in a flat string map, and the one parser of their values that every Aether
 * configuration uses. A node reads YAML, environment and flags into one {@code Map<String, String>}; each
 * configuration ({@code RuntimeConfig}, {@code JetStreamConfig}, {@code PayloadLimits}, ...) takes the keys of
 * its own area from it and ignores the rest.
 *
 * <h2>Keys</h2>
 * A key is {@code aether.<area>.<name>}: the area prefix belongs to exactly one configuration (areas do not
 * nest), the name is kebab-case ({@code aether.runtime.idle-timeout}). A key under the area's prefix that the
 * configuration does not know is refused, so a misspelt key never goes unnoticed; keys of other prefixes are
 * ignored.
 *
 * <h2>Values</h2>
 * <ul>
 *   <li><b>durations</b> ({@link #parseDuration}): a whole number with a unit, {@code ns},
 *       {@code us}, {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} ({@code 500ms}, {@code 15m}), or
 *       ISO-8601 ({@code PT15M});
 *   <li><b>integers</b> ({@link #parseInt}): decimal, optionally with {@code _} between digits
 *       ({@code 100_000});
 *   <li><b>booleans</b> ({@link #parseBoolean}): {@code true} or {@code false}, in any case, nothing else;
 *   <li><b>enumerations</b> ({@link #parseEnum}): the constant's name in any case, {@code -} for {@code _}
 *       ({@code drop-newest});
 *   <li><b>lists</b> ({@link #parseList}): comma-separated, each element trimmed;
 *   <li><b>strings</b>: taken as they are.
 * </ul>
 * Values other than strings are trimmed before parsing. A bad value is refused with an
 * {@link InvalidInputException} whose {@linkplain InvalidInputException#field() field} is the whole key and
 * whose message says why; so is a value that parses but that the configuration's builder refuses.
 *
 * <pre>{@code
 * ConfigKeys keys = ConfigKeys.of(settings, "aether.runtime.", Set.of("idle-timeout", "max-active-vms"));
 * keys.duration("idle-timeout", builder::idleTimeout).integer("max-active-vms", builder::maxActiveVMs);
 * RuntimeConfig config = keys.build(builder::build);
 * }</pre>
 *
 * <p>An instance holds a copy of the keys of its prefix and is safe to share between threads; the setters it
 * calls are the caller's concern. The static parsers are pure functions.
 */
public final class ConfigKeys {

  private static final Pattern AREA_PREFIX = Pattern.compile("aether(\\.[a-z0-9]+(-[a-z0-9]+)*)+\\.");
  private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Pattern SHORT_DURATION = Pattern.compile("(-?\\d+)\\s*(ns|us|ms|s|m|h|d)");

  private final String prefix;
  private final Set<String> names;
  private final Map<String, String> values;

  private ConfigKeys(String prefix, Set<String> names, Map<String, String> values) {
    this.prefix = prefix;
    this.names = names;
    this.values = values;
  }

  /**
   * Takes the keys of one area from a settings map and checks that each is known.
   *
   * @param settings the whole map; keys outside {@code prefix} are ignored
   * @param prefix the area's prefix, such as {@code aether.runtime.}: {@code aether.}, kebab-case tokens, a
   *     final dot
   * @param names the names the configuration knows, kebab-case, without the prefix
   * @return the keys of the area
   * @throws InvalidInputException naming {@code settings} when it is null, or naming a key of the area that
   *     is not one of {@code names} (the message lists the known keys) or has a null value
   * @throws IllegalArgumentException when {@code prefix} or a name breaks the key style (a programming error)
   */
  public static ConfigKeys of(Map<String, String> settings, String prefix, Set<String> names) {
    if (settings == null) {
      throw new InvalidInputException("settings", "must not be null");
    }
    checkStyle(prefix, names);
    Map<String, String> mine = new TreeMap<>();
    for (Map.Entry<String, String> entry : settings.entrySet()) {
      if (entry.getKey() != null && entry.getKey().startsWith(prefix)) {
        mine.put(entry.getKey().substring(prefix.length()), entry.getValue());
      }
    }
    ConfigKeys keys = new ConfigKeys(prefix, Set.copyOf(names), mine);
    keys.checkKnownAndPresent();
    return keys;
  }

  /**
   * The string entries of a {@link Properties} object (such as {@link System#getProperties()}), as a map to
   * give to {@link #of}. Entries whose key or value is not a string are left out.
   *
   * @param properties the properties
   * @return a new map of the string entries
   * @throws InvalidInputException naming {@code properties} when it is null
   */
  public static Map<String, String> fromProperties(Properties properties) {
    if (properties == null) {
      throw new InvalidInputException("properties", "must not be null");
    }
    Map<String, String> map = new TreeMap<>();
    for (String name : properties.stringPropertyNames()) {
      Object value = properties.get(name);
      if (value instanceof String text) {
        map.put(name, text);
      }
    }
    return map;
  }

  /**
   * The area prefix these keys were read under.
   *
   * @return the prefix, such as {@code aether.runtime.}
   */
  public String prefix() {
    return prefix;
  }

  /**
   * The whole key of a name.
   *
   * @param name a name of the area
   * @return the prefix followed by the name
   */
  public String key(String name) {
    return prefix + name;
  }

  /**
   * The raw value of a key, when the map holds it.
   *
   * @param name a known name of the area
   * @return the value as given, untrimmed; empty when the map has no such key
   * @throws IllegalArgumentException when {@code name} is not one of the area's names (a programming error)
   */
  public Optional<String> raw(String name) {
    requireKnown(name);
    return Optional.ofNullable(values.get(name));
  }

  /**
   * When the map holds the key, parses its value and hands it to a setter. A parse failure
   * ({@link IllegalArgumentException}, {@link ArithmeticException}, {@link InvalidInputException}) or an
   * {@link InvalidInputException} of the setter is refused naming the key.
   *
   * @param name a known name of the area
   * @param parser turns the value into the setter's type; throws {@link IllegalArgumentException} when it
   *     cannot
   * @param setter takes the parsed value, typically a builder's setter
   * @param <T> the parsed type
   * @return these keys
   * @throws InvalidInputException naming the key when the value cannot be parsed or is refused by the setter
   */
  public <T> ConfigKeys value(String name, Function<String, T> parser, Consumer<T> setter) {
    Optional<String> text = raw(name);
    if (text.isEmpty()) {
      return this;
    }
    T parsed;
    try {
      parsed = parser.apply(text.get());
    } catch (IllegalArgumentException | ArithmeticException | DateTimeParseException e) {
      throw new InvalidInputException(key(name), e.getMessage(), e);
    } catch (InvalidInputException e) {
      throw renamed(key(name), name, e);
    }
    try {
      setter.accept(parsed);
    } catch (InvalidInputException e) {
      throw renamed(key(name), name, e);
    }
    return this;
  }

  /**
   * Hands a duration key to a setter; see {@link #parseDuration}.
   *
   * @param name a known name of the area
   * @param setter the setter
   * @return these keys
   * @throws InvalidInputException naming the key when the value is not a duration or the setter refuses it
   */
  public ConfigKeys duration(String name, Consumer<Duration> setter) {
    return value(name, ConfigKeys::parseDuration, setter);
  }

  /**
   * Hands an integer key to a setter; see {@link #parseInt}.
   *
   * @param name a known name of the area
   * @param setter the setter
   * @return these keys
   * @throws InvalidInputException naming the key when the value is not an integer or the setter refuses it
   */
  public ConfigKeys integer(String name, IntConsumer setter) {
    return value(name, ConfigKeys::parseInt, setter::accept);
  }

  /**
   * Hands a boolean key to a setter; see {@link #parseBoolean}.
   *
   * @param name a known name of the area
   * @param setter the setter
   * @return these keys
   * @throws InvalidInputException naming the key when the value is not {@code true} or {@code false}
   */
  public ConfigKeys bool(String name, Consumer<Boolean> setter) {
    return value(name, ConfigKeys::parseBoolean, setter);
  }

  /**
   * Hands a string key to a setter, as it is.
   *
   * @param name a known name of the area
   * @param setter the setter
   * @return these keys
   * @throws InvalidInputException naming the key when the setter refuses the value
   */
  public ConfigKeys string(String name, Consumer<String> setter) {
    return value(name, Function.identity(), setter);
  }

  /**
   * Hands an enumeration key to a setter; see {@link #parseEnum}.
   *
   * @param name a known name of the area
   * @param type the enumeration
   * @param setter the setter
   * @param <E> the enumeration
   * @return these keys
   * @throws InvalidInputException naming the key when the value names no constant (the message lists them)
   */
  public <E extends Enum<E>> ConfigKeys enumeration(String name, Class<E> type, Consumer<E> setter) {
    return value(name, text -> parseEnum(type, text), setter);
  }

  /**
   * Hands a list key to a setter; see {@link #parseList}.
   *
   * @param name a known name of the area
   * @param setter the setter
   * @return these keys
   * @throws InvalidInputException naming the key when the setter refuses the list
   */
  public ConfigKeys list(String name, Consumer<List<String>> setter) {
    return value(name, ConfigKeys::parseList, setter);
  }

  /**
   * Runs a builder's {@code build()} and names the key, instead of the field, in a refusal of a rule between
   * values: a field {@code groupCommitLimit} becomes the key {@code <prefix>group-commit-limit} when the area
   * has that name. A refusal of a field without a key passes unchanged.
   *
   * @param build the build step
   * @param <T> the built type
   * @return what {@code build} returned
   * @throws InvalidInputException naming the key of the refused field
   */
  public <T> T build(Supplier<T> build) {
    try {
      return build.get();
    } catch (InvalidInputException e) {
      Optional<String> name = names.stream().filter(n -> sameName(n, e.field())).findFirst();
      throw name.map(n -> renamed(key(n), n, e)).orElse(e);
    }
  }

  /**
   * Parses a duration: a whole number and a unit ({@code ns}, {@code us}, {@code ms}, {@code s}, {@code m},
   * {@code h}, {@code d}; {@code 500ms}, {@code 15m}, {@code -5s}), or ISO-8601 ({@code PT15M}, {@code P1D},
   * {@code -PT5S}, any case). Ranges (zero, negative) are the configuration's to check, so that a negative value
   * is refused naming the range the key takes.
   *
   * @param text the value
   * @return the duration
   * @throws IllegalArgumentException when the text is neither form, or the number overflows a duration
   */
  public static Duration parseDuration(String text) {
    String value = requireText(text).trim();
    Matcher m = SHORT_DURATION.matcher(value);
    if (m.matches()) {
      return shortDuration(m.group(1), m.group(2), value);
    }
    if (value.length() > 1 && (value.charAt(0) == 'P' || value.charAt(0) == 'p'
        || value.startsWith("-P") || value.startsWith("-p"))) {
      try {
        return Duration.parse(value.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(notA("duration", value) + ": " + e.getMessage(), e);
      }
    }
    throw new IllegalArgumentException(notA("duration", value)
        + " (a number and a unit ns, us, ms, s, m, h or d, like 500ms or 15m; or ISO-8601 like PT15M)");
  }

  /**
   * Writes a duration as {@link #parseDuration} reads it, in the largest unit that keeps it whole: {@code 0s},
   * {@code 500ms}, {@code 1500ms}, {@code 5s}, {@code 15m}, {@code 2h}, {@code 1d}; a negative one is ISO-8601
   * ({@code -PT5S}, which it reads too). For messages that show a setting's value the way a user writes it.
   *
   * @param duration the duration, not null
   * @return the text
   */
  public static String formatDuration(Duration duration) {
    if (duration.isNegative()) { // -PT5S, which parseDuration reads (Duration's own PT-5S it reads too)
      return duration.getSeconds() == Long.MIN_VALUE ? duration.toString() : "-" + duration.negated();
    }
    long nanos;
    try {
      nanos = duration.toNanos();
    } catch (ArithmeticException e) { // beyond 292 years of nanoseconds: whole seconds at least
      return duration.getNano() == 0 ? wholeSeconds(duration.getSeconds()) : duration.toString();
    }
    if (nanos % 1_000_000_000L != 0) {
      return nanos % 1_000_000L == 0 ? nanos / 1_000_000L + "ms" : nanos % 1_000L == 0 ? nanos / 1_000L + "us"
          : nanos + "ns";
    }
    return wholeSeconds(nanos / 1_000_000_000L);
  }

  private static String wholeSeconds(long seconds) {
    if (seconds != 0 && seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    }
    if (seconds != 0 && seconds % 3_600 == 0) {
      return seconds / 3_600 + "h";
    }
    if (seconds != 0 && seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }

  /**
   * Parses a decimal integer, optionally with {@code _} between digits ({@code 100_000}).
   *
   * @param text the value
   * @return the integer
   * @throws IllegalArgumentException when the text is not an integer or does not fit an {@code int}
   */
  public static int parseInt(String text) {
    String value = requireText(text).trim();
    if (value.startsWith("_") || value.endsWith("_") || value.contains("__")) {
      throw new IllegalArgumentException(notA("integer", value));
    }
    try {
      return Integer.parseInt(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(notA("integer", value) + " (decimal, at most " + Integer.MAX_VALUE
          + ")", e);
    }
  }

  /**
   * Parses {@code true} or {@code false}, in any case; unlike {@link Boolean#parseBoolean}, anything else is
   * refused.
   *
   * @param text the value
   * @return the boolean
   * @throws IllegalArgumentException when the text is neither
   */
  public static boolean parseBoolean(String text) {
    String value = requireText(text).trim();
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    if (value.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException(notA("boolean", value) + " (true or false)");
  }

  /**
   * Parses the name of an enumeration constant, in any case, with {@code -} for {@code _}.
   *
   * @param type the enumeration
   * @param text the value
   * @param <E> the enumeration
   * @return the constant
   * @throws IllegalArgumentException when no constant has that name (the message lists them)
   */
  public static <E extends Enum<E>> E parseEnum(Class<E> type, String text) {
    String value = requireText(text).trim();
    String wanted = value.replace('-', '_');
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(wanted)) {
        return constant;
      }
    }
    List<String> known = Arrays.stream(type.getEnumConstants())
        .map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList();
    throw new IllegalArgumentException("\"" + value + "\" is not one of " + known);
  }

  /**
   * Parses a comma-separated list; each element is trimmed, none is dropped ({@code "a,,b"} has an empty
   * second element, for the configuration to refuse).
   *
   * @param text the value
   * @return the elements, at least one
   * @throws IllegalArgumentException when the text is null
   */
  public static List<String> parseList(String text) {
    return Arrays.stream(requireText(text).split(",", -1)).map(String::trim).toList();
  }

  private static Duration shortDuration(String number, String unit, String value) {
    long amount;
    try {
      amount = Long.parseLong(number);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(notA("duration", value) + ": the number is too large", e);
    }
    try {
      return switch (unit) {
        case "ns" -> Duration.ofNanos(amount);
        case "us" -> Duration.ofNanos(Math.multiplyExact(amount, 1_000L));
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(notA("duration", value) + ": the number is too large", e);
    }
  }

  private static String requireText(String text) {
    if (text == null) {
      throw new IllegalArgumentException("has no value");
    }
    return text;
  }

  private static String notA(String kind, String value) {
    return "\"" + value + "\" is not a" + (kind.startsWith("i") ? "n " : " ") + kind;
  }

  private static void checkStyle(String prefix, Set<String> names) {
    if (prefix == null || !AREA_PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException("not an area prefix aether.<area>.: " + prefix);
    }
    for (String name : names) {
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("not a kebab-case key name: " + name);
      }
    }
  }

  private void checkKnownAndPresent() {
    for (Map.Entry<String, String> entry : values.entrySet()) {
      if (!names.contains(entry.getKey())) {
        throw new InvalidInputException(key(entry.getKey()),
            "unknown key; the keys under " + prefix + " are " + new TreeSet<>(names));
      }
      if (entry.getValue() == null) {
        throw new InvalidInputException(key(entry.getKey()), "has no value");
      }
    }
  }

  private void requireKnown(String name) {
    if (!names.contains(name)) {
      throw new IllegalArgumentException(name + " is not a key name of " + prefix);
    }
  }

  private static boolean sameName(String name, String field) {
    return field != null && name.replace("-", "").equalsIgnoreCase(field);
  }

  private InvalidInputException renamed(String key, String name, InvalidInputException e) {
    String message = e.getMessage();
    String own = e.field() + ": ";
    String problem = sameName(name, e.field()) && message.startsWith(own) ? message.substring(own.length())
        : message;
    return new InvalidInputException(key, keysNamedIn(problem), e);
  }

  /**
   * A refusal's text with the other fields it names in Java ({@code mailboxCapacity}) named by their keys
   * ({@code aether.runtime.mailbox-capacity}): a rule between two settings names both as the user wrote them.
   * Only names of two words or more: a one-word name ({@code shards}) may be a plain word of the text.
   */
  private String keysNamedIn(String problem) {
    String text = problem;
    for (String name : names) {
      if (name.indexOf('-') > 0) {
        StringBuilder field = new StringBuilder();
        for (String word : name.split("-")) {
          field.append(field.isEmpty() ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1));
        }
        text = text.replaceAll("\\b" + field + "\\b", Matcher.quoteReplacement(key(name)));
      }
    }
    return text;
  }
}
