package dev.taidon.snapshotcache;

import java.util.List;
import java.util.Optional;

/** The state tree: which states exist, which have snapshots, and what may be evicted. */
public interface SnapshotCache {

  /** How this store takes snapshots: decides how often it pays to publish states. */
  StoreBackend backend();

  /**
   * The position in {@code chain} (state ids from the base outward) of the last state that has a
   * stored snapshot, or -1 when none has; answered with one query however long the chain is.
   */
  int longestCachedPrefix(List<StateId> chain);

  Optional<StateInfo> describe(StateId id);

  /** Protects a state's snapshot from eviction until as many {@link #unpin} calls follow. */
  void pin(StateId id);

  void unpin(StateId id);

  /** Evicts snapshots until the store is under its low watermark; returns what was evicted. */
  EvictionReport evict();

  /**
   * What an eviction pass did.
   *
   * @param evicted the states whose snapshots were removed, in eviction order
   * @param freedBytes the space they occupied
   * @param usedFraction how full the store is afterwards
   */
  record EvictionReport(List<StateId> evicted, long freedBytes, double usedFraction) {}
}
