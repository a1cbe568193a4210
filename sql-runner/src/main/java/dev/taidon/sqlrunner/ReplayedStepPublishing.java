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
   * what a snapshot costs (both measured as the platform runs): after an edit of cell 10 of 20,
   * quick cells are not stopped for a snapshot each, and a later edit never replays more than
   * about one snapshot's worth of them again.
   */
  BY_COST
}
