package dev.taidon.sqlrunner.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayBudgetTest {
  /**
   * Replays steps of the given costs, publishing whenever a snapshot of {@code snapshotMillis} is
   * due by the classic rule (a share of 1).
   */
  private static List<Integer> publishedSteps(double snapshotMillis, double... stepMillis) {
    return publishedStepsAtShare(snapshotMillis, 1, stepMillis);
  }

  /** The same at a share of the replay: a snapshot is due once the steps cost {@code snapshotMillis / share}. */
  private static List<Integer> publishedStepsAtShare(double snapshotMillis, double share, double... stepMillis) {
    ReplayBudget budget = new ReplayBudget();
    List<Integer> published = new ArrayList<>();
    for (int i = 0; i < stepMillis.length; i++) {
      budget.ran(stepMillis[i]);
      if (budget.snapshotDue(snapshotMillis, share)) {
        budget.published();
        published.add(i);
      }
    }
    return published;
  }

  @Test
  void quickStepsArePublishedOnceTheirSumReachesTheCostOfASnapshot() {
    assertThat(publishedSteps(30, 18, 18, 18, 18, 18, 18, 18, 18, 18, 18))
        .as("steps of 18 ms against snapshots of 30 ms: every second one")
        .containsExactly(1, 3, 5, 7, 9);
  }

  @Test
  void aStepSlowerThanASnapshotIsPublishedAtOnce() {
    assertThat(publishedSteps(30, 2, 500, 2, 2)).as("the slow step, and the quick ones after it not yet")
        .containsExactly(1);
  }

  @Test
  void stepsCheaperThanASnapshotInAllAreNotPublished() {
    assertThat(publishedSteps(30, 1, 2, 3, 4, 5, 6)).as("21 ms of steps in all, below one snapshot").isEmpty();
  }

  @Test
  void aFreeSnapshotIsTakenAfterEveryStep() {
    assertThat(publishedSteps(0, 5, 0, 7)).containsExactly(0, 1, 2);
  }

  @Test
  void aStepThatCouldNotBePublishedKeepsItsCostForTheNextOne() {
    ReplayBudget budget = new ReplayBudget();
    budget.ran(25);
    // Inside a transaction: due, but not publishable; the next step inherits the debt.
    assertThat(budget.snapshotDue(30, 1)).isFalse();
    budget.ran(10);

    assertThat(budget.snapshotDue(30, 1)).as("35 ms of replay since the last snapshot").isTrue();
    assertThat(budget.unpublishedMillis()).isEqualTo(35);
  }

  @Test
  void aShareOfATenthLetsTenSnapshotsWorthOfStepsGoUnpublished() {
    // The default taidon.runner.replay-snapshot-share.
    double share = 0.1;

    assertThat(publishedStepsAtShare(20, share, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15))
        .as("ten steps of 15 ms (150 ms) against snapshots of 20 ms at a tenth of the replay: none kept")
        .isEmpty();
    assertThat(publishedStepsAtShare(20, share, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15))
        .as("the 14th step of 15 ms brings the replay to 210 ms: it is kept, snapshots add 20 / 210 ms")
        .containsExactly(13);
  }

  @Test
  void aNegativeMeasurementCountsAsNothing() {
    ReplayBudget budget = new ReplayBudget();
    budget.ran(-3);

    assertThat(budget.unpublishedMillis()).isZero();
  }
}
