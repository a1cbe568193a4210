package dev.taidon.sqlrunner.internal;

/**
 * The cost of the steps one run replayed since its last snapshot (or since the state it started
 * from): what rebuilding the sandbox's current state would cost from the nearest snapshot before
 * it. Publishing a step when that reaches the cost of a snapshot is the rent-or-buy rule: whatever
 * the learner does next, the snapshots paid for plus the replays risked stay within about twice
 * the cost of the best choice made knowing the future.
 */
final class ReplayBudget {
  private double unpublishedMillis;

  /** A step was replayed in {@code stepMillis}; its state is not (yet) published. */
  void ran(double stepMillis) {
    unpublishedMillis += Math.max(0, stepMillis);
  }

  /**
   * Whether the steps replayed since the last snapshot cost at least {@code snapshotMillis / share}
   * to run: publishing then adds at most {@code share} of the replay's time in snapshots (1 is the
   * classic rule, a snapshot once the replay cost as much as one).
   */
  boolean snapshotDue(double snapshotMillis, double share) {
    return unpublishedMillis >= snapshotMillis / share;
  }

  /** The sandbox's current state was published: rebuilding it costs a restore, nothing more. */
  void published() {
    unpublishedMillis = 0;
  }

  double unpublishedMillis() {
    return unpublishedMillis;
  }
}
