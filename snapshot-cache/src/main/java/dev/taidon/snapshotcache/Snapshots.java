package dev.taidon.snapshotcache;

import java.nio.file.Path;

/**
 * The local side of the state cache, for an env-manager on the same machine: workspaces for
 * sandbox data directories, publishing a workspace as a state, and restoring a state into a new
 * workspace. Not served over HTTP: it works on this machine's files.
 */
public interface Snapshots {

  StoreBackend backend();

  /** The directory under which sandbox workspaces are created. */
  Path workspaces();

  void createWorkspace(Path workspace);

  void deleteWorkspace(Path workspace);

  /**
   * Snapshots the workspace as {@code state} and records it in the state tree, then evicts other
   * snapshots if the store is above its high watermark. A state already stored is only touched.
   *
   * @throws dev.taidon.core.TaidonException {@code STORE_FULL} when the store is full of snapshots
   *     that may not be evicted (pinned or in use)
   */
  void publish(Path workspace, NewState state);

  /**
   * Creates {@code workspace} as a writable clone of {@code id}; the snapshot is protected from
   * eviction while it is read.
   *
   * @throws dev.taidon.core.TaidonException {@code NOT_FOUND} when the state has no snapshot
   */
  void restore(StateId id, Path workspace);
}
