package dev.taidon.envmanager;

/**
 * Who brings a running sandbox's data files up to date before its state is snapshotted. A
 * snapshot is only taken right after a CHECKPOINT, so that a restore of it has next to no WAL to
 * replay; the checkpoint can come over the caller's own session, which saves the env-manager a
 * superuser connection per sandbox (a backend of about 3 MB, and a fork to open it).
 */
public enum Checkpoint {
  /** The env-manager checkpoints over a superuser connection of its own. */
  BY_ENV_MANAGER,
  /**
   * The caller ran CHECKPOINT over its own session just before, and nothing has run since: the
   * learner role may checkpoint (it holds {@code pg_checkpoint}).
   */
  DONE_BY_CALLER
}
