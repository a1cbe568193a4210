package dev.taidon.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.util.unit.DataSize;

class GatewaySettingsTest {

  private static GatewaySettings admission(int maxInFlight, String wait, String hold) {
    return new GatewaySettings(DataSize.ofMegabytes(1), DataSize.ofMegabytes(16), List.of(), 10, 30, 100, 300, 1,
        300, maxInFlight, Duration.parse(wait), Duration.parse(hold));
  }

  @ParameterizedTest(name = "max-in-flight {0}, admission-wait {1}, admission-hold {2}")
  @CsvSource({
      "0, PT60S, PT10S, taidon.gateway.max-in-flight must be between 1 and 100000, not 0",
      "-5, PT60S, PT10S, taidon.gateway.max-in-flight must be between 1 and 100000, not -5",
      "100001, PT60S, PT10S, taidon.gateway.max-in-flight must be between 1 and 100000, not 100001",
      "64, -PT1S, PT10S, taidon.gateway.admission-wait must be between 0s and 10m, not PT-1S",
      "64, PT11M, PT10S, taidon.gateway.admission-wait must be between 0s and 10m, not PT11M",
      "64, PT60S, PT0.05S, taidon.gateway.admission-hold must be between 100ms and 10m, not PT0.05S",
      "64, PT60S, PT0S, taidon.gateway.admission-hold must be between 100ms and 10m, not PT0S",
      "64, PT60S, PT1H, taidon.gateway.admission-hold must be between 100ms and 10m, not PT1H"})
  void refusesAdmissionSettingsOutsideTheirRange(int maxInFlight, String wait, String hold, String message) {
    assertThatThrownBy(() -> admission(maxInFlight, wait, hold))
        .isInstanceOfSatisfying(TaidonException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION))
        .hasMessageContaining(message);
  }

  @ParameterizedTest(name = "max-in-flight {0}, admission-wait {1}, admission-hold {2}")
  @CsvSource({"1, PT0S, PT0.1S", "64, PT60S, PT10S", "100000, PT10M, PT10M"})
  void acceptsAdmissionSettingsAtTheEdgesOfTheirRange(int maxInFlight, String wait, String hold) {
    GatewaySettings settings = admission(maxInFlight, wait, hold);

    assertThat(settings.maxInFlight()).isEqualTo(maxInFlight);
    assertThat(settings.admissionWait()).isEqualTo(Duration.parse(wait));
  }
}
