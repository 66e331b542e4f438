package dev.aether.runtime.behavior;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;

/**
 * Refuses a number where a {@code java.time} value is expected, in strictly read commands and states: is
 * {@code 1700000000} seconds, milliseconds or nanoseconds? Jackson's module guesses (seconds for an
 * {@code Instant}); the client must write ISO-8601 text instead. Stateless; thread-safe.
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

    private final Class<?> type;

    TextOnly(JsonDeserializer<?> delegate, Class<?> type) {
      super(delegate);
      this.type = type;
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
      return new TextOnly(newDelegatee, type);
    }

    @Override
    public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      if (parser.currentToken() != null && parser.currentToken().isNumeric()) {
        return context.handleUnexpectedToken(type, parser); // worded by PayloadMapper as a wrong type
      }
      return super.deserialize(parser, context);
    }
  }
}
