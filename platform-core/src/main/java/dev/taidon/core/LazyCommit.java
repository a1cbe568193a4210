package dev.taidon.core;

/**
 * Makes one autocommitted INSERT or UPDATE on the control database commit without waiting for its
 * WAL to reach the disk: append {@link #RETURNING} to the statement and read its (ignored) rows.
 * {@code set_config(..., true)} holds for the statement's own transaction only, whose commit follows
 * the statement, so the pooled connection keeps {@code synchronous_commit = on} for everything after.
 *
 * <p>For rows whose loss in a crash of the control database itself (not of the platform, which
 * leaves the database running to write them out within a fraction of a second) costs only work
 * done again or put right by itself: a run's start, a cached state's row, a sandbox's current state,
 * a sandbox's presence (reconciled with its server at every start), a rate-limit bucket (which at
 * worst grants a few tokens twice). The next synchronous
 * commit on the database flushes them with it, since the WAL is written in order.
 */
public final class LazyCommit {
  /** The output column that makes the commit lazy, for a statement that returns columns of its own. */
  public static final String COLUMN = "set_config('synchronous_commit', 'off', true)";
  /** The clause to append; the statement then returns one row per row it wrote. */
  public static final String RETURNING = "RETURNING " + COLUMN;

  private LazyCommit() {}
}
