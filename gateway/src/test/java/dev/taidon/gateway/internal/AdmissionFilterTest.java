package dev.taidon.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdmissionFilterTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      PT60S  | this request waited 60 s for its turn (taidon.gateway.admission-wait)
      PT0.5S | this request waited 500 ms for its turn (taidon.gateway.admission-wait)
      PT1.25S| this request waited 1250 ms for its turn (taidon.gateway.admission-wait)
      PT0S   | requests do not wait for a turn here (taidon.gateway.admission-wait is 0s)
      """)
  void aRefusedRequestIsToldTheWaitItWasAllowedInTheUnitItWasSetIn(String wait, String told) {
    assertThat(AdmissionFilter.refusal(Duration.parse(wait.strip())))
        .startsWith("the platform is busier than it can serve: ")
        .contains(told)
        .endsWith("; retry in 5 s");
  }
}
