package dev.taidon.server;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerSettingsTest {
  private static final ServerSettings.ControlDb EMBEDDED = new ServerSettings.ControlDb("", "", "", 10, Duration.ofSeconds(60), Duration.ofSeconds(10));

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
    assertThatThrownBy(() -> new ServerSettings.ControlDb("jdbc:mysql://x/y", "", "", 10, Duration.ofSeconds(1), Duration.ofSeconds(10)))
        .hasMessageContaining("jdbc:postgresql:");
    assertThatThrownBy(() -> new ServerSettings.ControlDb("", "", "", 0, Duration.ofSeconds(1), Duration.ofSeconds(10)))
        .hasMessageContaining("pool-size");
  }

  @Test
  void refusesAConnectionTimeoutShorterThanThePoolCanKeep() {
    assertThatThrownBy(() -> new ServerSettings.ControlDb("", "", "", 10, Duration.ofSeconds(1), Duration.ofMillis(100)))
        .hasMessageContaining("taidon.control-db.connection-timeout must be at least 250ms, not 100ms");
  }
}
