package dev.taidon.sqlrunner;

/**
 * Which of the steps a run replays (cells before the ones it executes) are published as snapshots.
 * The cells a run executes are published by the store's rule either way (every step on btrfs and
 * reflink, slow steps on copy).
 */
public enum ReplayedStepPublishing {
  /** Every replayed step, as an executed one: the next edit anywhere finds its prefix cached. */
  EVERY_STEP,
  /**
   * A replayed step when rebuilding it from the nearest snapshot before it would cost at least
   * what a snapshot costs divided by {@link RunnerSettings#replaySnapshotShare()} (both costs
   * measured as the platform runs): snapshots add at most that share to a replay after an edit,
   * and a later edit never replays more than a snapshot's cost over the share again.
   */
  BY_COST
}
