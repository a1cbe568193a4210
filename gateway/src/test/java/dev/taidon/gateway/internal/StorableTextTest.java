package dev.taidon.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

class StorableTextTest {
  private static final JsonMapper JSON = JsonMapper.builder().addModule(StorableText.module()).build();

  record Cell(String id, String sql) {}

  record Sheet(String title, List<Cell> cells) {}

  @Test
  void aNulCharacterAnywhereInABodyIsRefusedNamingWhereItIs() {
    // Jackson wraps it with the path it read; the web layer answers the typed error it finds inside.
    TaidonException refused = typedError(() -> JSON.readValue("{\"title\":\"t\",\"cells\":[{\"id\":\"a\","
        + "\"sql\":\"SELECT 1\"},{\"id\":\"b\",\"sql\":\"SELECT '\\u0000'\"}]}", Sheet.class));
    assertThat(refused.code()).as("a NUL in the second cell's SQL").isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(refused).hasMessageContaining("/cells/1/sql").hasMessageContaining("NUL");
    assertThat(typedError(() -> JSON.readValue("\"a\\u0000\"", String.class)))
        .hasMessageContaining("the text at the body");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\\ud800", "a\\udc00b", "\\ude00\\ud83d", "\\ud83d"})
  void anUnpairedSurrogateIsRefusedRatherThanStoredAsAQuestionMark(String escaped) {
    TaidonException refused = typedError(() -> JSON.readValue("{\"id\":\"a\",\"sql\":\"" + escaped + "\"}", Cell.class));
    assertThat(refused.code()).as("the escape %s", escaped).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(refused).hasMessageContaining("/sql").hasMessageContaining("unpaired surrogate");
  }

  private static TaidonException typedError(org.assertj.core.api.ThrowableAssert.ThrowingCallable read) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(read);
    for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
      if (cause instanceof TaidonException typed) {
        return typed;
      }
    }
    throw new AssertionError("expected a TaidonException in the chain of " + thrown, thrown);
  }

  @ParameterizedTest
  @ValueSource(strings = {"SELECT '\\\\0'", "x\\u0001y", "\\u00a0", "\\ud83d\\ude00", "null text"})
  void otherTextIsReadAsBefore(String escaped) {
    Cell cell = JSON.readValue("{\"id\":\"a\",\"sql\":\"" + escaped + "\"}", Cell.class);
    assertThat(cell.sql()).as("text without a NUL character").isEqualTo(JsonMapper.builder().build()
        .readValue("\"" + escaped + "\"", String.class));
    assertThat(JSON.readValue("{\"id\":\"a\",\"sql\":null}", Cell.class).sql()).as("JSON null stays null").isNull();
  }
}
