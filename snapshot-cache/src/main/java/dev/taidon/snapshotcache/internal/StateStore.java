package dev.taidon.snapshotcache.internal;

import dev.taidon.snapshotcache.StateId;
import dev.taidon.snapshotcache.StoreBackend;
import dev.taidon.snapshotcache.StoreUsage;
import java.nio.file.Path;
import java.util.Set;

/**
 * The file-system side of the state cache on this machine: immutable snapshots of PostgreSQL data
 * directories, and the writable workspaces (sandbox data directories) cloned from them. Both live
 * on one file system so that a clone shares the snapshot's blocks.
 *
 * <p>Publishing is atomic: a snapshot is built under a temporary name and renamed into place, so a
 * state is either absent or complete, and a crash leaves only debris that {@link #collectDebris()}
 * removes. Implementations run their commands through the platform's command runner.
 */
public interface StateStore {

  StoreBackend backend();

  /** The directory under which workspaces are created (on the store's file system). */
  Path workspaces();

  /** Creates an empty workspace at {@code workspace} (a subvolume on btrfs); fails if it exists. */
  void createWorkspace(Path workspace);

  /**
   * Snapshots {@code workspace} as state {@code id}. A state that is already stored is kept as it is
   * (states are immutable, so both copies are the same); returns whether this call stored it.
   */
  boolean publish(Path workspace, StateId id);

  /** Creates the writable workspace {@code workspace} as a clone of state {@code id}. */
  void restore(StateId id, Path workspace);

  /**
   * Deletes a workspace and everything in it; does nothing if it does not exist. The path is free
   * for a new workspace when this returns, though the space may be freed later.
   */
  void deleteWorkspace(Path workspace);

  /** Deletes a stored state; does nothing if it is not stored. */
  void delete(StateId id);

  boolean contains(StateId id);

  /** Every state stored. */
  Set<StateId> states();

  /** The disk space a stored state occupies, counting blocks it shares with others. */
  long sizeOf(StateId id);

  StoreUsage usage();

  /** Removes half-published snapshots and half-deleted workspaces left by a crash; returns how many it removed. */
  int collectDebris();
}
