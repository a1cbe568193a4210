package dev.taidon.gateway.internal;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * Refuses, while a request body is read, any JSON string that PostgreSQL would not store as sent:
 * one holding a NUL character (U+0000), which its text cannot hold, so the value could only fail
 * later, deep in some write (or half-way through several); or an unpaired surrogate (a JSON escape
 * between D800 and DFFF without its partner), which is no character at all and would be stored as a
 * question mark. The answer names where the text is, as a JSON pointer.
 */
final class StorableText extends StringDeserializer {
  static SimpleModule module() {
    return new SimpleModule("taidon-storable-text").addDeserializer(String.class, new StorableText());
  }

  @Override
  public String deserialize(JsonParser parser, DeserializationContext context) {
    String text = super.deserialize(parser, context);
    if (text == null) {
      return null;
    }
    String problem = text.indexOf('\0') >= 0 ? "contains a NUL character (U+0000), which PostgreSQL cannot store"
        : hasUnpairedSurrogate(text) ? "contains an unpaired surrogate (an escape between"
            + " D800 and DFFF without its partner), which is no character" : null;
    if (problem != null) {
      String pointer = parser.streamReadContext().pathAsPointer().toString();
      String where = pointer.isEmpty() ? "the body" : pointer;
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "the text at " + where + " " + problem,
          Map.of("pointer", where), null);
    }
    return text;
  }

  static boolean hasUnpairedSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
