package dev.taidon.envmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

/** {@code taidon.sandbox.*} as Spring binds it at start: defaults, and values refused with the reason. */
class SandboxSettingsTest {

  private static SandboxSettings bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("taidon.sandbox", SandboxSettings.class);
  }

  @Test
  void eachSandboxProcessIsLimitedTo256MegabytesUnlessConfiguredOtherwise() {
    assertThat(bind(Map.of()).processMemoryLimit()).isEqualTo(DataSize.ofMegabytes(256));
    assertThat(bind(Map.of("taidon.sandbox.process-memory-limit", "1GB")).processMemoryLimit())
        .isEqualTo(DataSize.ofGigabytes(1));
    assertThat(bind(Map.of("taidon.sandbox.process-memory-limit", "0")).processMemoryLimit().toBytes())
        .as("0 turns the limit off").isZero();
  }

  @Test
  void aProcessMemoryLimitTooSmallForPostgresqlIsRefusedAtStart() {
    assertThatThrownBy(() -> bind(Map.of("taidon.sandbox.process-memory-limit", "32MB")))
        .isInstanceOf(BindException.class)
        .rootCause().hasMessageContaining("taidon.sandbox.process-memory-limit must be 0 (none) or at least 64MB");
  }

  @Test
  void byDefaultTheMachineRunsAsManySandboxesAsSixtyPercentOfItsMemoryHoldsAtTwelveMegabytesEach() {
    SandboxSettings defaults = bind(Map.of());
    assertThat(defaults.machineMaxHot()).as("0: derived from the machine").isZero();
    assertThat(defaults.machineMaxHot(DataSize.ofGigabytes(24).toBytes()))
        .as("a 24 GiB machine, the one the brief sizes for a thousand learners").isEqualTo(1228);
    assertThat(defaults.machineMaxHot(DataSize.ofMegabytes(8).toBytes())).as("a machine too small still runs one")
        .isEqualTo(1);
    assertThat(bind(Map.of("taidon.sandbox.machine-max-hot", "50")).machineMaxHot(DataSize.ofGigabytes(24).toBytes()))
        .isEqualTo(50);
  }

  @Test
  void aNegativeMachineLimitIsRefusedAtStart() {
    assertThatThrownBy(() -> bind(Map.of("taidon.sandbox.machine-max-hot", "-1")))
        .isInstanceOf(BindException.class)
        .rootCause().hasMessageContaining("taidon.sandbox.machine-max-hot must be 0 (as many as the memory holds)");
  }
}
