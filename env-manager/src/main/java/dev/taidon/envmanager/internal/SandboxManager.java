package dev.taidon.envmanager.internal;

import dev.taidon.auditlog.AuditEvent;
import dev.taidon.auditlog.AuditLog;
import dev.taidon.core.ErrorCode;
import dev.taidon.core.LazyCommit;
import dev.taidon.core.TaidonException;
import dev.taidon.envmanager.Checkpoint;
import dev.taidon.envmanager.EngineInfo;
import dev.taidon.envmanager.EnvManager;
import dev.taidon.envmanager.OwnerKind;
import dev.taidon.envmanager.Presence;
import dev.taidon.envmanager.SandboxEndpoint;
import dev.taidon.envmanager.SandboxId;
import dev.taidon.envmanager.SandboxInfo;
import dev.taidon.envmanager.SandboxRuntime;
import dev.taidon.envmanager.SandboxSettings;
import dev.taidon.envmanager.ServerWrites;
import dev.taidon.snapshotcache.NewState;
import dev.taidon.snapshotcache.SnapshotCache;
import dev.taidon.snapshotcache.StateId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The env-manager: sandboxes in the control database ({@code env_manager.sandbox}) and in the
 * runtime, kept in step. Operations on one sandbox are serialised; a row is written before the
 * runtime creates data and after it removes it (but for a sandbox {@link #replaceFromPool replaced}
 * from the pool, whose row goes with the claim), so a crash leaves at worst data without a row,
 * which {@link #reconcile()} removes, or a row that claims more presence than there is, which it
 * corrects.
 */
final class SandboxManager implements EnvManager {
  static final String POOL_OWNER = "platform";
  /** How long after a sandbox is taken from the pool its replacement is made. */
  static final Duration POOL_REFILL_DELAY = Duration.ofMillis(250);
  /** The longest a running sandbox's use goes unrecorded; see {@link #touchInterval(OwnerKind)}. */
  static final Duration MAX_TOUCH_INTERVAL = Duration.ofSeconds(5);
  private static final Logger log = LoggerFactory.getLogger(SandboxManager.class);
  /** An id no sandbox has: what a claim that replaces nothing excludes from the owner's count. */
  private static final SandboxId NO_SANDBOX = new SandboxId("sb-" + "0".repeat(32));

  private final SandboxRuntime runtime;
  private final SnapshotCache cache;
  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;
  private final SandboxSettings settings;
  private final EngineInfo engine;
  private final AuditLog auditLog;
  private final SandboxMetrics metrics;
  private final DiskWatchdog diskWatchdog;
  private final Map<SandboxId, ReentrantLock> locks = new ConcurrentHashMap<>();
  private final ReentrantLock refilling = new ReentrantLock();
  /** When this process last recorded each sandbox's use ({@link System#nanoTime()}). */
  private final Map<SandboxId, Long> touched = new ConcurrentHashMap<>();
  private volatile boolean closed;
  /** Demand halves this often, so a pool follows what learners open now. */
  static final Duration DEMAND_HALF_LIFE = Duration.ofMinutes(5);
  private volatile java.time.Instant lastDecay = java.time.Instant.now();
  /** Recent requests for a state that earn it a pool. */
  static final int POOL_DEMAND = 2;
  /** Recent requests per state: which states deserve a pool. */
  private final Map<StateId, java.util.concurrent.atomic.LongAdder> demand = new ConcurrentHashMap<>();
  private final java.util.concurrent.Executor background = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
  private final java.util.concurrent.ExecutorService auditQueue = java.util.concurrent.Executors.newSingleThreadExecutor(
      Thread.ofVirtual().name("sandbox-audit").factory());
  /** How long a stopping env-manager waits for audit entries still queued. */
  static final Duration AUDIT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
  /**
   * A learner's sandbox used within this time is never stopped to make room on the machine: it may
   * be in a run (the longest statement timeout is a minute, and a use is recorded up to
   * {@link #MAX_TOUCH_INTERVAL} late), or its learner is reading the answer.
   */
  static final Duration IN_USE_WINDOW = Duration.ofMinutes(2);
  /** The most sandboxes running at once on this machine ({@code taidon.sandbox.machine-max-hot}). */
  private final int machineMaxHot;
  /** Servers being started now, not yet recorded hot: they count against {@link #machineMaxHot}. */
  private final java.util.concurrent.atomic.AtomicInteger starting = new java.util.concurrent.atomic.AtomicInteger();
  /** Of {@link #starting}, the pooled sandboxes: a learner's start at the limit waits for them. */
  private final java.util.concurrent.atomic.AtomicInteger poolStarting = new java.util.concurrent.atomic.AtomicInteger();
  /**
   * How long a learner's start at the machine's limit waits for pooled sandboxes that are starting
   * or held by another operation, to stop them once they can be: a pooled start (with its warm-up)
   * takes a fraction of a second, and nobody waits on a pooled sandbox.
   */
  static final Duration POOL_YIELD_WAIT = Duration.ofSeconds(5);
  private static final Duration POOL_YIELD_PAUSE = Duration.ofMillis(10);

  SandboxManager(SandboxRuntime runtime, SnapshotCache cache, JdbcClient jdbc, TransactionTemplate transactions,
      SandboxSettings settings, EngineInfo engine, AuditLog auditLog, SandboxMetrics metrics, int machineMaxHot) {
    this.machineMaxHot = machineMaxHot;
    this.auditLog = auditLog;
    this.metrics = metrics;
    this.runtime = runtime;
    this.cache = cache;
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.settings = settings;
    this.engine = engine;
    this.diskWatchdog = new DiskWatchdog(settings.diskLimit().toBytes(), metrics::diskChecked);
  }

  @Override
  public EngineInfo engine() {
    return engine;
  }

  @Override
  public StateId rootState() {
    return StateId.root(engine.fingerprint());
  }

  /** Builds the root state (an empty learner database) once per engine and pins it. */
  void ensureRootState() {
    StateId root = rootState();
    if (cache.describe(root).map(info -> info.snapshot()).orElse(false)) {
      return;
    }
    long began = System.nanoTime();
    SandboxId builder = SandboxId.random();
    try {
      runtime.initialize(builder);
      runtime.snapshot(builder, NewState.root(root, Duration.ofNanos(System.nanoTime() - began).toMillis()),
          Checkpoint.BY_ENV_MANAGER);
      cache.pin(root);
      log.info("Built the root state {} (empty learner database on PostgreSQL {}) in {} ms", root.shortForm(),
          engine.postgresVersion(), Duration.ofNanos(System.nanoTime() - began).toMillis());
    } finally {
      runtime.destroy(builder);
    }
  }

  @Override
  public SandboxInfo createSandbox(String owner, OwnerKind kind, StateId state) {
    if (owner == null || owner.isBlank() || owner.length() > 200 || kind == OwnerKind.POOL) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "a sandbox needs an owner account of 1 to 200 characters");
    }
    demand.computeIfAbsent(state, key -> new java.util.concurrent.atomic.LongAdder()).increment();
    Optional<PoolClaim> pooled = claimFromPool(owner, kind, state, NO_SANDBOX, 0);
    if (pooled.isPresent()) {
      metrics.claimedFromPool(false);
      refillSoon();
      SandboxId claimed = pooled.get().row().id();
      // Already hot, unless its server died in the pool; either way it is the owner's now.
      touched.remove(claimed);
      open(claimed, pooled, false);
      audit("sandbox.created", owner, claimed, Map.of("state", state.hex(), "fromPool", "true"));
      return pooled.get().row().info();
    }
    SandboxId id = SandboxId.random();
    transactions.executeWithoutResult(status -> {
      jdbc.sql("SELECT pg_advisory_xact_lock(hashtext(?))").param(owner).query().singleRow();
      int count = jdbc.sql("SELECT count(*) FROM env_manager.sandbox WHERE owner = ?").param(owner)
          .query(Integer.class).single();
      if (count >= settings.maxSandboxes(kind)) {
        throw new TaidonException(ErrorCode.QUOTA_EXCEEDED, kind.name().toLowerCase() + " accounts may have "
            + settings.maxSandboxes(kind) + " sandboxes (taidon.sandbox." + kind.name().toLowerCase()
            + "-max-sandboxes) and this one has " + count + ": delete one first",
            Map.of("limit", "sandboxes", "max", settings.maxSandboxes(kind)), null);
      }
      jdbc.sql("INSERT INTO env_manager.sandbox (id, owner, owner_kind, presence, state_id) VALUES (?, ?, ?, 'COLD', ?)")
          .params(id.value(), owner, kind.name(), state.hex()).update();
    });
    try {
      openSandbox(id);
    } catch (RuntimeException e) {
      deleteSandbox(id);
      throw e;
    }
    if (pooledStates().contains(state)) {
      // Asked for often enough to deserve a pool: the next learner need not wait for upkeep.
      refillSoon();
    }
    audit("sandbox.created", owner, id, Map.of("state", state.hex(), "fromPool", "false"));
    return describeSandbox(id);
  }

  /**
   * Tops the pool up {@link #POOL_REFILL_DELAY} from now, not at once: a refill clones and starts a
   * server, which would compete for the cores with the first connection of the learner who just
   * got a sandbox.
   */
  private void refillSoon() {
    background.execute(() -> {
      try {
        Thread.sleep(POOL_REFILL_DELAY);
      } catch (InterruptedException e) {
        return;
      }
      refillPoolQuietly();
    });
  }

  /**
   * A sandbox just taken from the pool: its row as the claim left it (the owner's, hot, used now)
   * and how many other sandboxes of the owner were hot, so that opening it needs no second read.
   */
  private record PoolClaim(Row row, long otherHot) {}

  /**
   * Takes a pooled sandbox at {@code state} for the owner, if the owner's sandbox quota allows,
   * counting every sandbox of the owner but {@code replaced}, and if more than {@code leaving} are
   * running in the pool at that state. The quota check and the claim are one statement after the
   * owner's lock, whose snapshot therefore sees every sandbox another request of the same owner
   * created before it.
   */
  private Optional<PoolClaim> claimFromPool(String owner, OwnerKind kind, StateId state, SandboxId replaced,
      int leaving) {
    return transactions.execute(status -> {
      jdbc.sql("SELECT pg_advisory_xact_lock(hashtext(?))").param(owner).query().singleRow();
      return jdbc.sql("""
              WITH owned AS (SELECT count(*) AS sandboxes, count(*) FILTER (WHERE presence = 'HOT') AS hot
                               FROM env_manager.sandbox WHERE owner = ? AND id <> ?)
              UPDATE env_manager.sandbox claimed SET owner = ?, owner_kind = ?, last_used_at = now()
                FROM owned
               WHERE claimed.id = (SELECT id FROM env_manager.sandbox
                                    WHERE owner_kind = 'POOL' AND state_id = ? AND presence = 'HOT'
                                    ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
                 AND owned.sandboxes < ?
                 AND (SELECT count(*) FROM env_manager.sandbox
                       WHERE owner_kind = 'POOL' AND state_id = ? AND presence = 'HOT') > ?
              RETURNING claimed.*, owned.hot AS other_hot""")
          .params(owner, replaced.value(), owner, kind.name(), state.hex(), settings.maxSandboxes(kind), state.hex(),
              leaving)
          .query((rs, n) -> new PoolClaim(row(rs, n), rs.getLong("other_hot"))).optional();
    });
  }

  @Override
  public SandboxEndpoint openSandbox(SandboxId id) {
    return open(id, Optional.empty(), false);
  }

  /**
   * Starts the sandbox when it is not running and records the use. A sandbox that is running and
   * was recorded as used within {@link #touchInterval} is handed out without writing anything: the
   * learner's next run is the common case, and its idle time is only ever compared with minutes.
   *
   * @param claim present when the sandbox was just taken from the pool, whose claim recorded its use
   * @param warmBeforeHot whether to warm the server's catalog caches before the sandbox is recorded
   *     hot: a pooled sandbox can be claimed from the moment it is, and must be ready by then
   */
  private SandboxEndpoint open(SandboxId id, Optional<PoolClaim> claim, boolean warmBeforeHot) {
    boolean claimedFromPool = claim.isPresent();
    return withLock(id, () -> {
      Row row = claimedFromPool ? claim.get().row() : row(id);
      if (row.failure().isPresent()) {
        throw new TaidonException(ErrorCode.SANDBOX_FAILED, "sandbox " + id + " was stopped: " + row.failure().get()
            + "; reset it to a state to use it again");
      }
      long began = System.nanoTime();
      Presence actual = runtime.presence(id);
      boolean runningInUse = row.presence() == Presence.HOT && actual == Presence.HOT && touchedRecently(row);
      boolean roomKnown = claimedFromPool && claim.get().otherHot() < settings.maxHot(row.kind());
      if (!runningInUse && !roomKnown) {
        // A sandbox already hot and in use counts in the owner's quota already.
        makeRoomForHot(row);
      }
      boolean starts = actual != Presence.HOT;
      boolean pooledStarts = starts && row.kind() == OwnerKind.POOL;
      if (starts) {
        starting.incrementAndGet();
      }
      if (pooledStarts) {
        poolStarting.incrementAndGet();
      }
      try {
        if (starts) {
          makeRoomOnMachine(row);
        }
        if (actual == Presence.COLD) {
          runtime.materialize(id, row.state());
          markPresence(id, Presence.WARM);
        }
        SandboxEndpoint endpoint = runtime.start(id);
        if (actual == Presence.COLD) {
          startedOnClone(id, row.state());
        }
        metrics.opened(actual, System.nanoTime() - began);
        if (warmBeforeHot) {
          runtime.warmUp(id);
        }
        if (!runningInUse && !(claimedFromPool && actual == Presence.HOT)) {
          jdbc.sql("UPDATE env_manager.sandbox SET presence = 'HOT', last_used_at = now() WHERE id = ? "
              + LazyCommit.RETURNING).param(id.value()).query(String.class).list();
        }
        touched.put(id, System.nanoTime());
        return endpoint;
      } finally {
        if (starts) {
          starting.decrementAndGet();
        }
        if (pooledStarts) {
          poolStarting.decrementAndGet();
        }
      }
    });
  }

  /**
   * Sandboxes running on this machine now, or being started, other than {@code except}: what
   * {@link #machineMaxHot} bounds.
   */
  private int hotOnMachine(SandboxId except, int startingBesides) {
    int recorded = jdbc.sql("SELECT count(*) FROM env_manager.sandbox WHERE presence = 'HOT' AND id <> ?")
        .param(except.value()).query(Integer.class).single();
    return recorded + Math.max(0, starting.get() - startingBesides);
  }

  /**
   * Keeps the machine within {@link #machineMaxHot} before {@code row}'s server starts, by stopping
   * the sandboxes that wait longest: pooled ones first (nobody waits on them), then learners' ones
   * unused for {@link #IN_USE_WINDOW}, which step down to warm as after their idle time and start
   * again on their next use. A learner's sandbox that another operation holds is in use and left
   * alone. A pooled sandbox that is starting, or held for a moment, is waited for (at most
   * {@link #POOL_YIELD_WAIT}) and then stopped: the pool checks for room before a start, and a
   * learner may take that room while the pooled server starts. When every running sandbox is in
   * use the start is refused: memory the machine does not have would otherwise be taken from all of
   * them. A pooled sandbox is never started at the limit (see {@link #topUpPool()}), so it never
   * stops a learner's.
   */
  private void makeRoomOnMachine(Row row) {
    long deadline = System.nanoTime() + POOL_YIELD_WAIT.toNanos();
    while (true) {
      int excess = hotOnMachine(row.id(), 1) + 1 - machineMaxHot;
      if (excess <= 0) {
        return;
      }
      if (row.kind() == OwnerKind.POOL) {
        throw new TaidonException(ErrorCode.OVERLOADED, "no room on the machine for another pooled sandbox");
      }
      List<Row> candidates = jdbc.sql("""
              SELECT * FROM env_manager.sandbox
               WHERE presence = 'HOT' AND id <> ?
                 AND (owner_kind = 'POOL' OR last_used_at < now() - make_interval(secs => ?))
               ORDER BY owner_kind = 'POOL' DESC, last_used_at
               LIMIT ?""")
          .params(row.id().value(), IN_USE_WINDOW.toSeconds(), excess * 2).query(SandboxManager::row).list();
      int freed = 0;
      boolean pooledBusy = poolStarting.get() > 0;
      for (Row candidate : candidates) {
        if (freed >= excess) {
          break;
        }
        if (stopForRoom(candidate.id())) {
          freed++;
        } else if (candidate.kind() == OwnerKind.POOL) {
          pooledBusy = true;
        }
      }
      if (freed >= excess) {
        return;
      }
      if (!pooledBusy || System.nanoTime() > deadline) {
        throw new TaidonException(ErrorCode.OVERLOADED, "this machine runs as many sandboxes as it may at once ("
            + machineMaxHot + ", taidon.sandbox.machine-max-hot) and every one of them was used in the last "
            + IN_USE_WINDOW.toMinutes() + " minutes; try again in a minute",
            Map.of("limit", "machine-max-hot", "max", machineMaxHot, "retryAfterSeconds", IN_USE_WINDOW.toSeconds() / 2),
            null);
      }
      pauseForPooledStart();
    }
  }

  private static void pauseForPooledStart() {
    try {
      Thread.sleep(POOL_YIELD_PAUSE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaidonException(ErrorCode.OVERLOADED, "interrupted while waiting for room on the machine");
    }
  }

  /**
   * Stops a running sandbox to make room for another, judged again on a fresh row under its lock;
   * a sandbox whose lock is taken is in use and is skipped (waiting for it could also deadlock
   * with its holder making room in turn). Returns whether it freed a place.
   */
  private boolean stopForRoom(SandboxId id) {
    ReentrantLock lock = locks.computeIfAbsent(id, key -> new ReentrantLock());
    if (!lock.tryLock()) {
      return false;
    }
    try {
      Optional<Row> current = jdbc.sql("SELECT * FROM env_manager.sandbox WHERE id = ?").param(id.value())
          .query(SandboxManager::row).optional();
      if (current.isEmpty() || current.get().presence() != Presence.HOT || runtime.presence(id) != Presence.HOT) {
        return false;
      }
      if (current.get().kind() == OwnerKind.POOL) {
        deletePooled(id);
        return true;
      }
      if (Duration.between(current.get().lastUsedAt(), java.time.Instant.now()).compareTo(IN_USE_WINDOW) < 0) {
        return false;
      }
      log.info("Stopping sandbox {} of {}, unused since {}: the machine runs its limit of {} sandboxes"
          + " (taidon.sandbox.machine-max-hot)", id, current.get().owner(), current.get().lastUsedAt(), machineMaxHot);
      runtime.stop(id);
      markPresence(id, runtime.presence(id));
      metrics.stoppedForRoom();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Tells the disk watchdog that the sandbox's server just started on a clone of {@code state}, so
   * that it need not walk the clone's files: the state's recorded size, looked up off the caller's
   * path. The server is read now, while it is the one that started on the clone.
   */
  private void startedOnClone(SandboxId id, StateId state) {
    runtime.writes(id).ifPresent(writes -> background.execute(() -> {
      try {
        cache.describe(state).filter(info -> info.sizeBytes() > 0)
            .ifPresent(info -> diskWatchdog.startedOnClone(id, writes.server(), info.sizeBytes()));
      } catch (RuntimeException e) {
        // The watchdog then walks the files, as for any sandbox it has not measured.
        log.debug("No recorded size of state {} for sandbox {}: {}", state.shortForm(), id, e.getMessage());
      }
    }));
  }

  private boolean touchedRecently(Row row) {
    Long at = touched.get(row.id());
    return at != null && System.nanoTime() - at < touchInterval(row.kind()).toNanos();
  }

  /**
   * How stale a running sandbox's recorded last use may get: a twentieth of its idle time before it
   * is stopped, at most {@link #MAX_TOUCH_INTERVAL}, so it is never stopped noticeably early.
   */
  Duration touchInterval(OwnerKind kind) {
    Duration share = settings.hotIdle(kind).dividedBy(20);
    return share.compareTo(MAX_TOUCH_INTERVAL) < 0 ? share : MAX_TOUCH_INTERVAL;
  }

  /** Keeps the owner within its hot quota by stopping its least recently used hot sandbox. */
  private void makeRoomForHot(Row row) {
    if (row.kind() == OwnerKind.POOL) {
      return;
    }
    List<SandboxId> hot = jdbc.sql("""
            SELECT id FROM env_manager.sandbox WHERE owner = ? AND presence = 'HOT' AND id <> ?
             ORDER BY last_used_at""")
        .params(row.owner(), row.id().value()).query(String.class).list().stream().map(SandboxId::new).toList();
    int excess = hot.size() + 1 - settings.maxHot(row.kind());
    for (int i = 0; i < excess; i++) {
      log.info("Stopping sandbox {} of {}: at most {} may run at once", hot.get(i), row.owner(), settings.maxHot(row.kind()));
      stopSandbox(hot.get(i));
    }
  }

  @Override
  public void stopSandbox(SandboxId id) {
    withLock(id, () -> {
      row(id);
      runtime.stop(id);
      markPresence(id, runtime.presence(id));
      return null;
    });
  }

  @Override
  public void deleteSandbox(SandboxId id) {
    String owner = withLock(id, () -> {
      runtime.destroy(id);
      return jdbc.sql("DELETE FROM env_manager.sandbox WHERE id = ? RETURNING owner").param(id.value())
          .query(String.class).optional().orElse(null);
    });
    locks.remove(id);
    touched.remove(id);
    if (owner != null && !owner.equals(POOL_OWNER)) {
      audit("sandbox.deleted", owner, id, Map.of());
    }
  }

  @Override
  public SandboxInfo describeSandbox(SandboxId id) {
    return row(id).info();
  }

  @Override
  public List<SandboxInfo> sandboxesOf(String owner) {
    return jdbc.sql("SELECT * FROM env_manager.sandbox WHERE owner = ? ORDER BY created_at").param(owner)
        .query(SandboxManager::row).list().stream().map(Row::info).toList();
  }

  @Override
  public dev.taidon.envmanager.SandboxQuota quota(OwnerKind kind) {
    return new dev.taidon.envmanager.SandboxQuota(settings.maxSandboxes(kind), settings.maxHot(kind),
        settings.diskLimit().toBytes());
  }

  @Override
  public void publishState(SandboxId id, NewState state, Checkpoint checkpoint) {
    withLock(id, () -> {
      row(id);
      runtime.snapshot(id, state, checkpoint);
      // Lazily: the state a sandbox is recreated from when cold; an older one after a crash of the
      // control database is still a state of the worksheet's chain, and the runner positions anew.
      jdbc.sql("UPDATE env_manager.sandbox SET state_id = ? WHERE id = ? " + LazyCommit.RETURNING)
          .params(state.id().hex(), id.value()).query(String.class).list();
      return null;
    });
  }

  @Override
  public void resetSandbox(SandboxId id, StateId state) {
    withLock(id, () -> {
      Row row = row(id);
      boolean wasHot = runtime.presence(id) == Presence.HOT;
      runtime.destroy(id);
      jdbc.sql("UPDATE env_manager.sandbox SET presence = 'COLD', state_id = ?, failure = NULL WHERE id = ?")
          .params(state.hex(), id.value()).update();
      audit("sandbox.reset", row.owner(), id, Map.of("state", state.hex()));
      runtime.materialize(id, state);
      markPresence(id, Presence.WARM);
      if (wasHot || row.kind() == OwnerKind.POOL) {
        runtime.start(id);
        startedOnClone(id, state);
        markPresence(id, Presence.HOT);
      }
      return null;
    });
  }

  @Override
  public Optional<SandboxId> replaceFromPool(SandboxId id, StateId state) {
    // Most restores are to states of one learner's chain, which no pool holds: no claim to try.
    if (closed || !pooledStates().contains(state)) {
      return Optional.empty();
    }
    Row replaced = row(id);
    if (replaced.kind() == OwnerKind.POOL) {
      return Optional.empty();
    }
    Optional<PoolClaim> claim = transactions.execute(status -> {
      // One pooled sandbox stays for the next new learner, whose first result has the tighter goal.
      Optional<PoolClaim> claimed = claimFromPool(replaced.owner(), replaced.kind(), state, id, 1);
      // In the claim's transaction: the owner never holds both sandboxes, and a crash leaves the
      // replaced one's data without a row, which start-up reconciliation removes.
      claimed.ifPresent(taken -> jdbc.sql("DELETE FROM env_manager.sandbox WHERE id = ?").param(id.value()).update());
      return claimed;
    });
    if (claim.isEmpty()) {
      return Optional.empty();
    }
    metrics.claimedFromPool(true);
    refillSoon();
    SandboxId claimed = claim.get().row().id();
    touched.remove(claimed);
    background.execute(() -> {
      try {
        // Its row is gone already, so this removes the data and records nothing more.
        deleteSandbox(id);
      } catch (RuntimeException e) {
        log.warn("Could not remove replaced sandbox {} (the next start removes its data): {}", id, e.getMessage());
      }
    });
    audit("sandbox.deleted", replaced.owner(), id, Map.of("replacedBy", claimed.value()));
    audit("sandbox.created", replaced.owner(), claimed, Map.of("state", state.hex(), "fromPool", "true",
        "replaces", id.value()));
    return Optional.of(claimed);
  }

  /**
   * One pass of upkeep: servers that died are noticed, sandboxes over their disk limit are stopped,
   * idle sandboxes step down (hot to warm to cold), and the pool is refilled.
   */
  void maintain() {
    List<Row> present = jdbc.sql("SELECT * FROM env_manager.sandbox WHERE presence <> 'COLD'").query(SandboxManager::row).list();
    for (Row row : present) {
      try {
        maintain(row);
      } catch (RuntimeException e) {
        log.warn("Upkeep of sandbox {} failed: {}", row.id(), e.getMessage());
      }
    }
    diskWatchdog.retain(present.stream().map(Row::id).collect(java.util.stream.Collectors.toSet()));
    refillPool();
    decayDemand();
    Map<Presence, Long> counts = new java.util.EnumMap<>(Presence.class);
    jdbc.sql("SELECT presence, count(*) FROM env_manager.sandbox GROUP BY presence")
        .query((rs, n) -> Map.entry(Presence.valueOf(rs.getString(1)), rs.getLong(2))).list()
        .forEach(entry -> counts.put(entry.getKey(), entry.getValue()));
    metrics.counted(counts);
  }

  private void maintain(Row row) {
    SandboxId id = row.id();
    Presence actual = runtime.presence(id);
    if (row.presence() == Presence.HOT && actual != Presence.HOT) {
      // Seen without the lock, this may be a stop, reset or deletion in progress: look again under it.
      withLock(id, () -> {
        Optional<Row> current = jdbc.sql("SELECT * FROM env_manager.sandbox WHERE id = ?").param(id.value())
            .query(SandboxManager::row).optional();
        Presence now = runtime.presence(id);
        if (current.isPresent() && current.get().presence() == Presence.HOT && now != Presence.HOT) {
          log.warn("Sandbox {} was hot but its server is gone; it restarts on next use", id);
          // What the dead server left running (a backend busy with a learner's query notices its
          // postmaster's death only when the query ends) goes now, not at the statement timeout.
          runtime.stop(id);
          markPresence(id, now);
        }
        return null;
      });
      return;
    }
    // Only a running server writes: a stopped sandbox cannot grow.
    Optional<ServerWrites> measured = actual == Presence.HOT ? runtime.writes(id) : Optional.empty();
    long used = actual == Presence.HOT ? diskWatchdog.used(id, measured, () -> runtime.diskUsage(id)) : 0;
    if (used > settings.diskLimit().toBytes()) {
      withLock(id, () -> {
        // Measured without the lock: a reset or a restart since then put another server on a fresh
        // clone, which the next pass measures.
        boolean sameServer = runtime.writes(id).map(ServerWrites::server).equals(measured.map(ServerWrites::server));
        if (measured.isPresent() && !sameServer) {
          return null;
        }
        String failure = String.format("its data grew to %d MB, over the disk limit of %d MB (taidon.sandbox.disk-limit)",
            used >> 20, settings.diskLimit().toMegabytes());
        // The reason first: whoever loses the connection when the server stops can read why.
        jdbc.sql("UPDATE env_manager.sandbox SET failure = ? WHERE id = ?").params(failure, id.value()).update();
        runtime.stop(id);
        jdbc.sql("UPDATE env_manager.sandbox SET presence = ? WHERE id = ?")
            .params(runtime.presence(id).name(), id.value()).update();
        log.warn("Stopped sandbox {} of {}: {}", id, row.owner(), failure);
        audit("sandbox.disk-limit-exceeded", AuditEvent.SYSTEM, id, Map.of("owner", row.owner()));
        return null;
      });
      return;
    }
    if (row.kind() == OwnerKind.POOL) {
      return;
    }
    if (idleTooLong(row, actual)) {
      stepDownIfIdle(id);
    }
  }

  private boolean idleTooLong(Row row, Presence actual) {
    Duration idle = Duration.between(row.lastUsedAt(), java.time.Instant.now());
    return actual == Presence.HOT && idle.compareTo(settings.hotIdle(row.kind())) > 0
        || actual == Presence.WARM && idle.compareTo(settings.warmIdle(row.kind())) > 0;
  }

  /**
   * Steps an idle sandbox down a level (hot to warm, warm to cold), judged again under its lock on
   * a fresh row: the pass read its rows before it reached this one, which under load is minutes,
   * and a learner may have opened the sandbox since.
   */
  private void stepDownIfIdle(SandboxId id) {
    withLock(id, () -> {
      Optional<Row> current = jdbc.sql("SELECT * FROM env_manager.sandbox WHERE id = ?").param(id.value())
          .query(SandboxManager::row).optional();
      Presence actual = runtime.presence(id);
      if (current.isEmpty() || current.get().kind() == OwnerKind.POOL || !idleTooLong(current.get(), actual)) {
        return null;
      }
      if (actual == Presence.HOT) {
        runtime.stop(id);
        markPresence(id, runtime.presence(id));
      } else {
        runtime.destroy(id);
        markPresence(id, Presence.COLD);
      }
      return null;
    });
  }

  private void refillPoolQuietly() {
    try {
      refillPool();
    } catch (RuntimeException e) {
      log.warn("Refilling the sandbox pool failed: {}", e.getMessage());
    }
  }

  /** Tops the pool up to its size; one refill at a time, a second caller returns at once. */
  private void refillPool() {
    if (closed || !refilling.tryLock()) {
      return;
    }
    try {
      topUpPool();
    } finally {
      refilling.unlock();
    }
  }

  /**
   * Brings every pool to its size, as far as the machine's limit leaves room: a pooled sandbox is
   * only started while at least one more could start after it, so a learner's start never has to
   * wait for a pooled one to stop (it may stop one, and the pool refills once learners' sandboxes
   * have stepped down).
   */
  private void topUpPool() {
    List<StateId> wanted = pooledStates();
    for (Row row : jdbc.sql("SELECT * FROM env_manager.sandbox WHERE owner_kind = 'POOL'").query(SandboxManager::row).list()) {
      if (!wanted.contains(row.state())) {
        // Pools of states that fell out of favour give their memory back.
        deletePooled(row.id());
      } else if (row.presence() != Presence.HOT && !closed && roomForPool(row.id())) {
        // Stopped with the platform, or its server died: a pooled sandbox that does not run can
        // never be claimed, yet it fills a place in the pool.
        restartPooled(row.id());
      }
    }
    for (StateId state : wanted) {
      int pooled = jdbc.sql("SELECT count(*) FROM env_manager.sandbox WHERE owner_kind = 'POOL' AND state_id = ?")
          .param(state.hex()).query(Integer.class).single();
      for (int i = pooled; i < settings.poolSize() && !closed; i++) {
        SandboxId id = SandboxId.random();
        if (!roomForPool(id)) {
          return;
        }
        jdbc.sql("INSERT INTO env_manager.sandbox (id, owner, owner_kind, presence, state_id) VALUES (?, ?, 'POOL', 'COLD', ?)")
            .params(id.value(), POOL_OWNER, state.hex()).update();
        try {
          open(id, Optional.empty(), true);
        } catch (TaidonException e) {
          deletePooled(id);
          if (e.code() == ErrorCode.OVERLOADED) {
            // Learners took the room meanwhile; the pool waits for the next pass.
            return;
          }
          // The state's snapshot was evicted meanwhile: it is no longer a candidate.
          demand.remove(state);
          break;
        }
      }
    }
  }

  /** Whether a pooled sandbox may start: the machine stays below its limit even after it. */
  private boolean roomForPool(SandboxId id) {
    return hotOnMachine(id, 0) + 2 <= machineMaxHot;
  }

  /**
   * Starts a pooled sandbox again on the clone it has; one that cannot start is replaced, so that
   * one broken clone never holds up the refill of every pool.
   */
  private void restartPooled(SandboxId id) {
    try {
      open(id, Optional.empty(), true);
    } catch (RuntimeException e) {
      log.warn("Pooled sandbox {} did not start again and is replaced: {}", id, e.getMessage());
      deletePooled(id);
    }
  }

  /**
   * Deletes a pooled sandbox unless a learner claimed it meanwhile: the row goes first, in one
   * statement that a claim cannot interleave with, and the data after it (data without a row is
   * what reconciliation removes, should this stop half-way).
   */
  private void deletePooled(SandboxId id) {
    boolean unclaimed = jdbc.sql("DELETE FROM env_manager.sandbox WHERE id = ? AND owner_kind = 'POOL' RETURNING id")
        .param(id.value()).query(String.class).optional().isPresent();
    if (unclaimed) {
      withLock(id, () -> {
        runtime.destroy(id);
        return null;
      });
      locks.remove(id);
      touched.remove(id);
    }
  }

  /**
   * The root state, and the states asked for at least twice lately, most asked first, up to
   * {@code pool-states} of them: dataset and lesson bases that many learners open.
   */
  List<StateId> pooledStates() {
    StateId root = rootState();
    List<StateId> states = new java.util.ArrayList<>();
    states.add(root);
    demand.entrySet().stream()
        .filter(entry -> !entry.getKey().equals(root) && entry.getValue().sum() >= POOL_DEMAND)
        .sorted(Map.Entry.<StateId, java.util.concurrent.atomic.LongAdder>comparingByValue(
            java.util.Comparator.comparingLong(java.util.concurrent.atomic.LongAdder::sum)).reversed())
        .limit(settings.poolStates())
        .forEach(entry -> states.add(entry.getKey()));
    return states;
  }

  /** Lets old demand fade, so a pool follows what learners open now. */
  private void decayDemand() {
    if (java.time.Instant.now().isBefore(lastDecay.plus(DEMAND_HALF_LIFE))) {
      return;
    }
    lastDecay = java.time.Instant.now();
    demand.forEach((state, count) -> {
      long half = count.sumThenReset() / 2;
      if (half == 0) {
        demand.remove(state, count);
      } else {
        count.add(half);
      }
    });
  }

  /**
   * Makes the rows agree with the runtime after a start: servers left by a crashed platform are
   * stopped (the runtime does that), hot rows become warm, rows whose data is gone become cold, and
   * data without a row is removed. The states that had a pool keep it: the demand that earned it
   * counts again, and fades as any demand does unless learners keep asking.
   */
  void reconcile() {
    List<Row> rows = jdbc.sql("SELECT * FROM env_manager.sandbox").query(SandboxManager::row).list();
    java.util.Set<SandboxId> present = runtime.present();
    for (Row row : rows) {
      Presence actual = present.contains(row.id()) ? runtime.presence(row.id()) : Presence.COLD;
      if (actual != row.presence()) {
        markPresence(row.id(), actual);
      }
    }
    rows.stream().filter(row -> row.kind() == OwnerKind.POOL && !row.state().equals(rootState())).map(Row::state)
        .distinct().forEach(state -> demand.computeIfAbsent(state, key -> new java.util.concurrent.atomic.LongAdder())
            .add(POOL_DEMAND));
    java.util.Set<String> known = new java.util.HashSet<>(rows.stream().map(row -> row.id().value()).toList());
    for (SandboxId id : present) {
      if (!known.contains(id.value())) {
        log.warn("Removing sandbox data {} that no sandbox owns (left by an interrupted create)", id);
        runtime.destroy(id);
      }
    }
  }

  /**
   * Stops every hot sandbox, keeping the data: the platform is shutting down. No pool refill starts
   * afterwards, and one under way is waited for.
   */
  void stopAll() {
    closed = true;
    refilling.lock();
    refilling.unlock();
    for (String id : jdbc.sql("SELECT id FROM env_manager.sandbox WHERE presence = 'HOT'").query(String.class).list()) {
      try {
        stopSandbox(new SandboxId(id));
      } catch (RuntimeException e) {
        log.warn("Could not stop sandbox {}: {}", id, e.getMessage());
      }
    }
    runtime.stopAll();
    auditQueue.shutdown();
    try {
      if (!auditQueue.awaitTermination(AUDIT_DRAIN_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        log.warn("Sandbox audit entries still unwritten after {}; they are lost", AUDIT_DRAIN_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Records a lifecycle event off the caller's path (a learner waits for the sandbox, not for its
   * audit entry), in the order the events happened: one queue writes them all. A failing audit log
   * never fails the sandbox operation itself.
   */
  private void audit(String type, String actor, SandboxId id, Map<String, String> attributes) {
    Map<String, String> all = new java.util.HashMap<>(attributes);
    all.put("sandbox", id.value());
    try {
      auditQueue.execute(() -> {
        try {
          auditLog.append(new AuditEvent(type, actor, all));
        } catch (RuntimeException e) {
          log.warn("Could not record {} of sandbox {}: {}", type, id, e.getMessage());
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException stopping) {
      log.warn("Could not record {} of sandbox {}: the env-manager is stopping", type, id);
    }
  }

  /**
   * Records where a sandbox is now, committed lazily: presence only mirrors the runtime, which every
   * start reconciles the rows with, and the runtime is asked again before a sandbox is used.
   */
  private void markPresence(SandboxId id, Presence presence) {
    jdbc.sql("UPDATE env_manager.sandbox SET presence = ? WHERE id = ? " + LazyCommit.RETURNING)
        .params(presence.name(), id.value()).query(String.class).list();
  }

  private <T> T withLock(SandboxId id, java.util.function.Supplier<T> action) {
    ReentrantLock lock = locks.computeIfAbsent(id, key -> new ReentrantLock());
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  private Row row(SandboxId id) {
    return jdbc.sql("SELECT * FROM env_manager.sandbox WHERE id = ?").param(id.value()).query(SandboxManager::row)
        .optional()
        .orElseThrow(() -> new TaidonException(ErrorCode.NOT_FOUND, "no sandbox " + id));
  }

  private record Row(SandboxId id, String owner, OwnerKind kind, Presence presence, StateId state,
      java.time.Instant createdAt, java.time.Instant lastUsedAt, Optional<String> failure) {
    SandboxInfo info() {
      return new SandboxInfo(id, owner, kind, presence, state, createdAt, lastUsedAt, failure);
    }
  }

  private static Row row(ResultSet rs, int n) throws SQLException {
    return new Row(new SandboxId(rs.getString("id")), rs.getString("owner"), OwnerKind.valueOf(rs.getString("owner_kind")),
        Presence.valueOf(rs.getString("presence")), new StateId(rs.getString("state_id")),
        rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("last_used_at").toInstant(),
        Optional.ofNullable(rs.getString("failure")));
  }
}
