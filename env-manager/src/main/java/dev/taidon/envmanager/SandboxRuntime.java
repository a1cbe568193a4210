package dev.taidon.envmanager;

import dev.taidon.snapshotcache.NewState;
import dev.taidon.snapshotcache.StateId;
import java.util.Optional;
import java.util.Set;

/**
 * Where sandboxes run: PostgreSQL processes on this machine ({@code local}) or Pods on Kubernetes.
 * The runtime moves one sandbox between presence levels and knows nothing of owners, quotas or
 * idle times, which the env-manager decides. Nothing in this interface names host paths, process
 * ids or sockets.
 */
public interface SandboxRuntime {

  /** Creates the sandbox's data as a writable clone of {@code state} (cold to warm). */
  void materialize(SandboxId id, StateId state);

  /**
   * Creates the sandbox's data as a new, empty cluster with the learner role and database (the
   * platform's root state is built this way).
   */
  void initialize(SandboxId id);

  /** Starts the sandbox (warm to hot) and returns how to reach it; returns at once if it is hot. */
  SandboxEndpoint start(SandboxId id);

  /**
   * Readies a hot sandbox to answer its first connections quickly (each database's catalog caches
   * built and read once); for pooled sandboxes, whose first connection a learner waits for. Best
   * effort: a failure leaves the sandbox as it was.
   */
  default void warmUp(SandboxId id) {}

  /** Stops the sandbox (hot to warm) with a fast shutdown; does nothing unless it is hot. */
  void stop(SandboxId id);

  /** Removes the sandbox's data (to cold); stops it first if it is hot. */
  void destroy(SandboxId id);

  /**
   * Publishes the sandbox's current data as {@code state}, consistently: after a CHECKPOINT (the
   * caller's, or one this runtime runs) with an atomic snapshot, or stopped otherwise (and started
   * again if it was hot).
   */
  void snapshot(SandboxId id, NewState state, Checkpoint checkpoint);

  Presence presence(SandboxId id);

  /** Stops every sandbox this runtime runs, keeping their data: the platform is shutting down. */
  void stopAll();

  /** Every sandbox whose data exists in this runtime. */
  Set<SandboxId> present();

  /** The disk space the sandbox's data occupies, counting blocks it shares with the state it came from. */
  long diskUsage(SandboxId id);

  /**
   * What the sandbox's running server has written so far (see {@link ServerWrites}): the disk
   * watchdog leaves a sandbox's files alone while what it wrote since their last measurement could
   * not have taken it past its limit. Empty when the server is not running or the runtime cannot
   * tell; callers then measure.
   */
  Optional<ServerWrites> writes(SandboxId id);

}
