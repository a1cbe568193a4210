package dev.taidon.snapshotcache;

/** How the state store takes copy-on-write snapshots of database states. */
public enum StoreBackend {
  /** btrfs subvolume snapshots: constant time, atomic, so a running instance can be snapshotted. */
  BTRFS(true),
  /** File clones ({@code cp --reflink=always}) on XFS or btrfs: fast, per file, not atomic. */
  REFLINK(false),
  /** Plain copies: works everywhere, costs time and space proportional to the data. */
  COPY(false);

  private final boolean atomic;

  StoreBackend(boolean atomic) {
    this.atomic = atomic;
  }

  /**
   * Whether a snapshot captures the whole directory at one instant. Only then may a running
   * PostgreSQL be snapshotted (after a CHECKPOINT); otherwise it must be stopped first.
   */
  public boolean atomicSnapshots() {
    return atomic;
  }

  public String configName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
