package dev.taidon.server;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerSettingsTest {
  private static final ServerSettings.ControlDb EMBEDDED = new ServerSettings.ControlDb("", "", "", 10, Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(30));

  @Test
  void refusesShortInternalTokensAndNonPositiveTimeouts() {
    assertThatThrownBy(() -> new ServerSettings("short", Duration.ofSeconds(1), "taidon", null, null, EMBEDDED))
        .hasMessageContaining("at least 22 characters");
    assertThatThrownBy(() -> new ServerSettings("", Duration.ZERO, "taidon", null, null, EMBEDDED))
        .hasMessageContaining("role-call-timeout must be positive");
  }

  @Test
  void aSplitPlatformNeedsAnInternalToken() {
    ServerSettings settings = new ServerSettings("", Duration.ofSeconds(1), "taidon", null, null, EMBEDDED);
    assertThatCode(() -> settings.requireTokenWhenSplit(true)).doesNotThrowAnyException();
    assertThatThrownBy(() -> settings.requireTokenWhenSplit(false)).hasMessageContaining("--internal-token");
  }

  @Test
  void refusesControlDatabaseUrlsThatAreNotPostgresAndAbsurdPoolSizes() {
    assertThatThrownBy(() -> new ServerSettings.ControlDb("jdbc:mysql://x/y", "", "", 10, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(30)))
        .hasMessageContaining("jdbc:postgresql:");
    assertThatThrownBy(() -> new ServerSettings.ControlDb("", "", "", 0, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(30)))
        .hasMessageContaining("pool-size");
  }

  @Test
  void refusesAConnectionTimeoutShorterThanThePoolCanKeep() {
    assertThatThrownBy(() -> new ServerSettings.ControlDb("", "", "", 10, Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofSeconds(30)))
        .hasMessageContaining("taidon.control-db.connection-timeout must be at least 250ms, not 100ms");
  }

  @Test
  void aControlDatabaseStatementTimeoutIsNoneOrLongEnoughForAStatement() {
    assertThatThrownBy(() -> new ServerSettings.ControlDb("", "", "", 10, Duration.ofSeconds(1), Duration.ofSeconds(10),
        Duration.ofMillis(50)))
        .hasMessageContaining("taidon.control-db.statement-timeout must be 0 (no bound) or at least 100ms, not 50ms");
    assertThatThrownBy(() -> new ServerSettings.ControlDb("", "", "", 10, Duration.ofSeconds(1), Duration.ofSeconds(10),
        Duration.ofSeconds(-1)))
        .hasMessageContaining("not -1000ms");
    assertThatCode(() -> new ServerSettings.ControlDb("", "", "", 10, Duration.ofSeconds(1), Duration.ofSeconds(10),
        Duration.ZERO)).as("0 lifts the bound").doesNotThrowAnyException();
  }
}
