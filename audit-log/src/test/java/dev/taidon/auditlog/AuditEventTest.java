package dev.taidon.auditlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuditEventTest {

  @ParameterizedTest
  @ValueSource(strings = {"", "started", "Platform.Started", "platform.", ".started", "platform started", "a.b;drop"})
  void refusesTypesThatAreNotDottedLowerCaseNames(String type) {
    assertThatThrownBy(() -> AuditEvent.system(type, Map.of()))
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("dotted lower-case name");
  }

  @Test
  void refusesMissingActorsAndOversizedAttributes() {
    assertThatThrownBy(() -> new AuditEvent("run.finished", " ", Map.of())).hasMessageContaining("actor");
    Map<String, String> huge = Map.of("sql", "x".repeat(AuditEvent.MAX_ATTRIBUTE_CHARS));
    assertThatThrownBy(() -> new AuditEvent("run.finished", "u1", huge)).hasMessageContaining("limit is 4096");
    assertThatThrownBy(() -> new AuditEvent("run.finished", "u1", Map.of("k", "a\0b"))).hasMessageContaining("NUL");
  }

  @Test
  void keepsAttributesSortedWhateverTheirInsertionOrder() {
    AuditEvent event = new AuditEvent("run.finished", "u1", Map.of("b", "2", "a", "1"));
    assertThat(event.attributes().keySet()).containsExactlyInAnyOrder("a", "b");
    assertThat(event).isEqualTo(new AuditEvent("run.finished", "u1", Map.of("a", "1", "b", "2")));
  }
}
