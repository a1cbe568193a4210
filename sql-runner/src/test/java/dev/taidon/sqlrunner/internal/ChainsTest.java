package dev.taidon.sqlrunner.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.snapshotcache.StateId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChainsTest {
  private static final StateId ROOT = StateId.root("a".repeat(64));

  @Test
  void theSameCellsOnTheSameBaseReachTheSameStates() {
    assertThat(Chains.cellStates(ROOT, List.of("SELECT 1", "CREATE TABLE t (x int)")))
        .isEqualTo(Chains.cellStates(ROOT, List.of("SELECT 1", "CREATE TABLE t (x int)")));
  }

  @Test
  void anEditChangesTheStateOfItsCellAndEveryLaterOneButNoEarlierOne() {
    List<StateId> before = Chains.cellStates(ROOT, List.of("a", "b", "c"));
    List<StateId> after = Chains.cellStates(ROOT, List.of("a", "B", "c"));
    assertThat(after.get(0)).isEqualTo(before.get(0));
    assertThat(after.get(1)).isNotEqualTo(before.get(1));
    assertThat(after.get(2)).as("cell c now runs on another state").isNotEqualTo(before.get(2));
  }

  @Test
  void aCellAndAScriptWithTheSameTextAreDifferentSteps() {
    assertThat(Chains.cellDigest("SELECT 1")).isNotEqualTo(Chains.scriptDigest("SELECT 1"));
  }

  @Test
  void pinnedSessionSettingsArePartOfEveryStateId() {
    assertThat(Chains.settingsDigest(Map.of("TimeZone", "UTC")))
        .isNotEqualTo(Chains.settingsDigest(Map.of("TimeZone", "Europe/Paris")));
    assertThat(Chains.SETTINGS_DIGEST).matches("[0-9a-f]{64}");
  }
}
