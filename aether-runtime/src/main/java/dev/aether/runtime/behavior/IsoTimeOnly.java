package dev.aether.runtime.behavior;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Refuses a number where a {@code java.time} value is expected, in strictly read commands and states: is
 * {@code 1700000000} seconds, milliseconds or nanoseconds? Jackson's module guesses (seconds for an
 * {@code Instant}, also from a string of digits); the client must write ISO-8601 text instead. The java.time
 * enums ({@code Month}, {@code DayOfWeek}) are refused as numbers by the strict mapper's
 * {@code FAIL_ON_NUMBERS_FOR_ENUMS}. Stateless; thread-safe.
 */
final class IsoTimeOnly extends SimpleModule {

  IsoTimeOnly() {
    super("aether-iso-time-only");
    setDeserializerModifier(new BeanDeserializerModifier() {
      @Override
      public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription description,
          JsonDeserializer<?> deserializer) {
        Class<?> type = description.getBeanClass();
        return type.getPackageName().equals("java.time") ? new TextOnly(deserializer, type) : deserializer;
      }
    });
  }

  /** A java.time deserializer that refuses numbers before its delegate reads them. */
  private static final class TextOnly extends DelegatingDeserializer {

    private static final Pattern EPOCH = Pattern.compile("\\s*-?\\d+(\\.\\d+)?\\s*");
    private static final Set<Class<?>> EPOCH_READERS = Set.of(Instant.class, OffsetDateTime.class,
        ZonedDateTime.class);

    private final Class<?> type;
    /** Whether the delegate reads a string of digits as epoch seconds (the Instant family): then refused too. */
    private final boolean readsEpochText;

    TextOnly(JsonDeserializer<?> delegate, Class<?> type) {
      super(delegate);
      this.type = type;
      this.readsEpochText = EPOCH_READERS.contains(type);
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
      return new TextOnly(newDelegatee, type);
    }

    @Override
    public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      JsonToken token = parser.currentToken();
      if (token != null && (token.isNumeric() || readsEpochText && token == JsonToken.VALUE_STRING
          && EPOCH.matcher(parser.getText()).matches())) {
        return context.handleUnexpectedToken(type, parser); // worded by PayloadMapper as a wrong type
      }
      return super.deserialize(parser, context);
    }
  }
}
