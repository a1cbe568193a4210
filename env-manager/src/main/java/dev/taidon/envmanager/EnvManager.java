package dev.taidon.envmanager;

import dev.taidon.snapshotcache.NewState;
import dev.taidon.snapshotcache.StateId;
import java.util.List;

/**
 * Sandbox lifecycle: every learner's own PostgreSQL, created from a cached state, moved between hot,
 * warm and cold by use and idle time, within the owner's quotas. Callers are other roles; they have
 * already checked that the caller may act for {@code owner}.
 */
public interface EnvManager {

  /** The engine every sandbox runs on, and the fingerprint that roots every state id. */
  EngineInfo engine();

  /** The state of an empty learner database on this engine: the root of every chain. */
  StateId rootState();

  /**
   * Creates a sandbox at {@code state} for {@code owner}, hot. A pre-started sandbox from the pool is
   * handed out when one sits at that state.
   *
   * @throws dev.taidon.core.TaidonException {@code QUOTA_EXCEEDED} naming the limit when the owner
   *     has as many sandboxes as allowed; {@code NOT_FOUND} when the state has no snapshot
   */
  SandboxInfo createSandbox(String owner, OwnerKind kind, StateId state);

  /**
   * Makes the sandbox hot and returns how to reach it: as it is when hot, started when warm,
   * recreated from its last state when cold. Counts as use for idle times.
   *
   * @throws dev.taidon.core.TaidonException {@code QUOTA_EXCEEDED} when the owner already has as many
   *     hot sandboxes as allowed
   */
  SandboxEndpoint openSandbox(SandboxId id);

  /** Stops the sandbox, keeping its data (hot to warm). */
  void stopSandbox(SandboxId id);

  /** Deletes the sandbox and its data. */
  void deleteSandbox(SandboxId id);

  SandboxInfo describeSandbox(SandboxId id);

  List<SandboxInfo> sandboxesOf(String owner);

  /** The sandbox limits of an owner kind, as enforced by {@link #createSandbox} and {@link #openSandbox}. */
  SandboxQuota quota(OwnerKind kind);

  /**
   * Publishes the sandbox's data as {@code state} at a step boundary (no statement running, no
   * transaction open) and remembers it as the sandbox's state; {@code checkpoint} says whether the
   * caller has already checkpointed the server over its own session.
   */
  void publishState(SandboxId id, NewState state, Checkpoint checkpoint);

  /** Replaces the sandbox's data with a clone of {@code state} (discarding what it held). */
  void resetSandbox(SandboxId id, StateId state);

  /**
   * The quick way to reset: when the warm pool holds running sandboxes at {@code state}, hands one
   * to the owner of {@code id} in its place and deletes {@code id} (its server is stopped and its
   * data removed after this returns). The pool's last sandbox at a state is left for the next new
   * learner. The caller then uses the returned sandbox as it used {@code id}; opening it starts
   * nothing unless its server died in the pool.
   *
   * @return the owner's sandbox that now holds {@code state}; empty when the pool cannot spare one
   *     at that state (or {@code id} is itself pooled), and then {@code id} is untouched: reset it
   * @throws dev.taidon.core.TaidonException {@code NOT_FOUND} when the pool has sandboxes at
   *     {@code state} and {@code id} does not exist
   */
  java.util.Optional<SandboxId> replaceFromPool(SandboxId id, StateId state);
}
