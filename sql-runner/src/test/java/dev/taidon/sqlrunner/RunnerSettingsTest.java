package dev.taidon.sqlrunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.util.unit.DataSize;

class RunnerSettingsTest {

  private static RunnerSettings withReplaySnapshotShare(double share) {
    return new RunnerSettings(Duration.ofSeconds(10), 1000, Duration.ofSeconds(60), 10000, DataSize.ofMegabytes(8),
        DataSize.ofMegabytes(1), Duration.ofMinutes(5), Duration.ofSeconds(1), ReplayedStepPublishing.BY_COST, share,
        Duration.ofMillis(50), Duration.ofMinutes(10), true, 262144);
  }

  @ParameterizedTest(name = "replay-snapshot-share {0}")
  @ValueSource(doubles = {0, -0.1, 1.01, 5, Double.NaN, Double.POSITIVE_INFINITY})
  void refusesAReplaySnapshotShareOutsideZeroToOne(double share) {
    assertThatThrownBy(() -> withReplaySnapshotShare(share))
        .isInstanceOfSatisfying(TaidonException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION))
        .hasMessageContaining("taidon.runner.replay-snapshot-share must be above 0 and at most 1, not " + share);
  }

  @ParameterizedTest(name = "replay-snapshot-share {0}")
  @ValueSource(doubles = {0.001, 0.1, 1})
  void acceptsAReplaySnapshotShareAboveZeroUpToOne(double share) {
    assertThat(withReplaySnapshotShare(share).replaySnapshotShare()).isEqualTo(share);
  }
}
