package dev.taidon.sqlrunner.internal;

import dev.taidon.envmanager.SandboxId;
import dev.taidon.snapshotcache.StateId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the runner knows of one sandbox it uses: the session it holds, and where the sandbox's data
 * stands. The position is a set of state ids whose data the sandbox holds now (several when the
 * last steps changed nothing), each with the database and settings a session continues with. One
 * run at a time holds the slot ({@link #permit}); only that run reads or changes the rest.
 */
final class SandboxSlot {
  /**
   * The sandbox; changes only while {@link #permit} is held and under the owner's lock, when a
   * pooled sandbox takes this one's place (see {@code LocalSqlRunner.resetTo}).
   */
  volatile SandboxId id;
  final String owner;
  final Semaphore permit = new Semaphore(1);
  volatile String worksheetId;
  volatile long lastUsedNanos = System.nanoTime();

  SandboxSession session;
  /** How env-manager said to reach the sandbox when it was last opened, and when that was. */
  dev.taidon.envmanager.SandboxEndpoint endpoint;
  long openedNanos;
  /** States whose data the sandbox holds, oldest first; empty when unknown (after a cancel, say). */
  private final List<StateId> equivalents = new ArrayList<>();
  private final Map<StateId, RunStore.StateContext> contexts = new HashMap<>();
  /** Whether the position only holds with {@link #session} alive (a transaction is open in it). */
  boolean sessionBound;
  /** The next transaction id after the last step, to tell whether the next one wrote; null when unknown. */
  String nextTransactionId;
  /** The settings {@link #session} has SET, as far as known; null when unknown. */
  java.util.Map<String, String> sessionSettings;
  /**
   * Set while {@link #permit} is held by work that takes a restore's time at most and that runs
   * wait for rather than refuse: a preparation after a save, or the publish of the state a run
   * left the sandbox at, taken after its answer. Each holder sets its own token and clears only
   * that, after releasing the permit, so a waiter never sees the permit taken and no token.
   */
  private final AtomicReference<Object> briefHolder = new AtomicReference<>();
  /**
   * The state a preparation restored the sandbox to, while the sandbox still holds exactly that:
   * the next run that starts from it reports it as restored.
   */
  StateId preparedRestore;

  SandboxSlot(SandboxId id, String owner) {
    this.id = id;
    this.owner = owner;
  }

  /**
   * Marks the permit, which the caller holds, as held by brief work; returns the token to end it
   * with {@link #endBriefHold}.
   */
  Object holdBriefly() {
    Object token = new Object();
    briefHolder.set(token);
    return token;
  }

  /** Releases the permit held since {@link #holdBriefly} returned {@code token}. */
  void endBriefHold(Object token) {
    release();
    briefHolder.compareAndSet(token, null);
  }

  /** Releases {@link #permit}, which the caller holds, noting the slot as used now. */
  void release() {
    lastUsedNanos = System.nanoTime();
    permit.release();
  }

  /** Whether the permit is (or was a moment ago) held by brief work that a run should wait for. */
  boolean heldBriefly() {
    return briefHolder.get() != null;
  }

  /** Index of the last state of {@code chain} the sandbox holds, or -1. */
  int positionIn(List<StateId> chain) {
    for (int i = chain.size() - 1; i >= 0; i--) {
      if (equivalents.contains(chain.get(i))) {
        return i;
      }
    }
    return -1;
  }

  Optional<RunStore.StateContext> context(StateId state) {
    return Optional.ofNullable(contexts.get(state));
  }

  /** The sandbox now holds exactly {@code state}, reached by a restore or a step that wrote. */
  void at(StateId state, RunStore.StateContext context, boolean boundToSession) {
    preparedRestore = null;
    equivalents.clear();
    contexts.clear();
    equivalents.add(state);
    contexts.put(state, context);
    sessionBound = boundToSession;
  }

  /** A step changed no data: the sandbox holds {@code state} as well as what it held. */
  void alsoAt(StateId state, RunStore.StateContext context) {
    preparedRestore = null;
    equivalents.add(state);
    contexts.put(state, context);
  }

  /** Nobody knows what the sandbox holds (a statement was cancelled, a session was lost). */
  void unknown() {
    preparedRestore = null;
    equivalents.clear();
    contexts.clear();
    sessionBound = false;
    nextTransactionId = null;
  }

  void closeSession() {
    if (session != null) {
      session.close();
      session = null;
    }
    sessionSettings = null;
    nextTransactionId = null;
    if (sessionBound) {
      unknown();
    }
  }
}
