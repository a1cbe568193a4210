package dev.taidon.snapshotcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class StoreSettingsTest {

  @Test
  void acceptsTheBackendsInAnyCase() {
    assertThat(new StoreSettings(" BTRFS ", true, DataSize.ofGigabytes(1), true, DataSize.ofBytes(0), 0.9, 0.8).backend())
        .isEqualTo("btrfs");
  }

  @Test
  void refusesUnknownBackendsTinyImagesAndInvertedWatermarks() {
    assertThatThrownBy(() -> new StoreSettings("zfs", true, DataSize.ofGigabytes(1), true, DataSize.ofBytes(0), 0.9, 0.8))
        .hasMessageContaining("auto, btrfs, reflink or copy");
    assertThatThrownBy(() -> new StoreSettings("auto", true, DataSize.ofMegabytes(10), true, DataSize.ofBytes(0), 0.9, 0.8))
        .hasMessageContaining("at least 256MB");
    assertThatThrownBy(() -> new StoreSettings("auto", true, DataSize.ofGigabytes(1), true, DataSize.ofBytes(0), 0.5, 0.8))
        .hasMessageContaining("low-watermark < high-watermark");
    assertThatThrownBy(() -> new StoreSettings("auto", true, DataSize.ofGigabytes(1), true, DataSize.ofBytes(-1), 0.9, 0.8))
        .hasMessageContaining("capacity");
  }

  @Test
  void stateIdsAreSixtyFourHexDigitsAndChildrenDependOnStepAndSettings() {
    StateId root = StateId.root("a".repeat(64));
    assertThat(root.child("s", "x")).isNotEqualTo(root.child("s", "y")).isNotEqualTo(root.child("t", "x"));
    assertThat(root.child("s", "x")).isEqualTo(root.child("s", "x"));
    assertThatThrownBy(() -> new StateId("A".repeat(64))).hasMessageContaining("64 lower-case hex digits");
    assertThatThrownBy(() -> new StateId("../../etc")).hasMessageContaining("64 lower-case hex digits");
    assertThatThrownBy(() -> new StateId("a".repeat(100_000))).hasMessageContaining("…");
  }
}
