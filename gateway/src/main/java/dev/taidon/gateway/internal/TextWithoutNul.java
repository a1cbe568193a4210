package dev.taidon.gateway.internal;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * Refuses, while a request body is read, any JSON string that holds a NUL character (U+0000):
 * PostgreSQL's text cannot store one, so such a value could only fail later, deep in some write
 * (or half-way through several). The answer names where the character is, as a JSON pointer.
 */
final class TextWithoutNul extends StringDeserializer {
  static SimpleModule module() {
    return new SimpleModule("taidon-text-without-nul").addDeserializer(String.class, new TextWithoutNul());
  }

  @Override
  public String deserialize(JsonParser parser, DeserializationContext context) {
    String text = super.deserialize(parser, context);
    if (text != null && text.indexOf('\0') >= 0) {
      String pointer = parser.streamReadContext().pathAsPointer().toString();
      String where = pointer.isEmpty() ? "the body" : pointer;
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "the text at " + where + " contains a NUL character"
          + " (U+0000), which PostgreSQL cannot store", Map.of("pointer", where), null);
    }
    return text;
  }
}
