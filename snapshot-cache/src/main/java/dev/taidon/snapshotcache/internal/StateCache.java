package dev.taidon.snapshotcache.internal;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.LazyCommit;
import dev.taidon.core.TaidonException;
import dev.taidon.snapshotcache.NewState;
import dev.taidon.snapshotcache.SnapshotCache;
import dev.taidon.snapshotcache.Snapshots;
import dev.taidon.snapshotcache.StateId;
import dev.taidon.snapshotcache.StateInfo;
import dev.taidon.snapshotcache.StoreBackend;
import dev.taidon.snapshotcache.StoreSettings;
import dev.taidon.snapshotcache.StoreUsage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The state cache of this machine: the state tree in the control database
 * ({@code snapshot_cache.state}) kept consistent with the snapshots in the {@link StateStore}.
 *
 * <p>Ordering makes crashes harmless. Publishing stores the snapshot before its row says so, so a
 * row never points at a missing snapshot; evicting clears the row before deleting the snapshot.
 * {@link #reconcile()} removes whatever a crash left between the two steps.
 */
final class StateCache implements SnapshotCache, Snapshots {
  private static final Logger log = LoggerFactory.getLogger(StateCache.class);
  /** How long a restore protects its source from eviction; a restore that takes longer still finishes. */
  static final String RESTORE_LEASE = "10 minutes";

  private final StateStore store;
  private final JdbcClient jdbc;
  private final StoreSettings settings;
  /** Measures snapshot sizes off the publishing path: {@code du} of a data directory takes milliseconds. */
  private final java.util.concurrent.Executor sizer = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

  private final Timer publishTimer;
  private final Timer restoreTimer;
  private final Counter evictions;

  /**
   * Metrics, with stable names: {@code taidon_state_publish_seconds}, {@code taidon_state_restore_seconds},
   * {@code taidon_state_evictions_total}, {@code taidon_state_store_used_ratio}.
   */
  StateCache(StateStore store, JdbcClient jdbc, StoreSettings settings, MeterRegistry registry) {
    this.store = store;
    this.jdbc = jdbc;
    this.settings = settings;
    this.publishTimer = Timer.builder("taidon.state.publish")
        .description("Time to snapshot and record a state").tag("backend", store.backend().configName())
        .publishPercentileHistogram().register(registry);
    this.restoreTimer = Timer.builder("taidon.state.restore")
        .description("Time to clone a state into a workspace").tag("backend", store.backend().configName())
        .publishPercentileHistogram().register(registry);
    this.evictions = Counter.builder("taidon.state.evictions")
        .description("Snapshots evicted").register(registry);
    Gauge.builder("taidon.state.store.used", store, s -> s.usage().usedFraction())
        .description("Fraction of the state store's file system in use").baseUnit("ratio").register(registry);
  }

  @Override
  public StoreBackend backend() {
    return store.backend();
  }

  @Override
  public Path workspaces() {
    return store.workspaces();
  }

  @Override
  public void createWorkspace(Path workspace) {
    store.createWorkspace(workspace);
  }

  @Override
  public void deleteWorkspace(Path workspace) {
    store.deleteWorkspace(workspace);
  }

  @Override
  public void publish(Path workspace, NewState state) {
    publishTimer.record(() -> publishTimed(workspace, state));
  }

  private void publishTimed(Path workspace, NewState state) {
    makeRoom();
    boolean stored = store.publish(workspace, state.id());
    // Committed lazily: on btrfs a flush right after a snapshot waits for the snapshot's whole
    // transaction (3-10 ms). A row lost with the control database leaves a snapshot without a row,
    // which publishing the state again adopts and a restart's reconciliation removes.
    jdbc.sql("""
            INSERT INTO snapshot_cache.state (id, parent_id, step_digest, snapshot, backend, build_cost_ms, owner, visibility)
            VALUES (?, ?, ?, true, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET snapshot = true, backend = excluded.backend, last_used_at = now()
            """ + LazyCommit.RETURNING)
        .params(state.id().hex(), state.parent().map(StateId::hex).orElse(null), state.stepDigest().orElse(null),
            store.backend().configName(), state.buildCostMillis(), state.owner().orElse(null), state.visibility())
        .query(String.class).list();
    if (stored) {
      sizer.execute(() -> measure(state.id()));
    }
  }

  /** Records the size of a stored snapshot; a snapshot evicted meanwhile is skipped. */
  private void measure(StateId id) {
    try {
      if (store.contains(id)) {
        jdbc.sql("UPDATE snapshot_cache.state SET size_bytes = ? WHERE id = ? AND size_bytes IS NULL")
            .params(store.sizeOf(id), id.hex()).update();
      }
    } catch (RuntimeException e) {
      log.debug("Could not measure state {}: {}", id.shortForm(), e.getMessage());
    }
  }

  /** Measures every snapshot whose size is not yet known, so eviction decides on real sizes. */
  private void measureUnknownSizes() {
    jdbc.sql("SELECT id FROM snapshot_cache.state WHERE snapshot AND size_bytes IS NULL").query(String.class).list()
        .forEach(id -> measure(new StateId(id)));
  }

  @Override
  public void restore(StateId id, Path workspace) {
    int leased = jdbc.sql("""
            UPDATE snapshot_cache.state
               SET in_use_until = greatest(coalesce(in_use_until, now()), now() + CAST(? AS interval)),
                   use_count = use_count + 1, last_used_at = now()
             WHERE id = ? AND snapshot""")
        .params(RESTORE_LEASE, id.hex())
        .update();
    if (leased == 0) {
      throw new TaidonException(ErrorCode.NOT_FOUND, "state " + id.shortForm() + " has no snapshot in the cache");
    }
    restoreTimer.record(() -> store.restore(id, workspace));
  }

  @Override
  public int longestCachedPrefix(List<StateId> chain) {
    if (chain.isEmpty()) {
      return -1;
    }
    String[] ids = chain.stream().map(StateId::hex).toArray(String[]::new);
    Long position = jdbc.sql("""
            SELECT max(c.position) FROM unnest(CAST(? AS text[])) WITH ORDINALITY AS c(id, position)
              JOIN snapshot_cache.state s ON s.id = c.id AND s.snapshot""")
        .param(ids)
        .query(Long.class)
        .optional()
        .orElse(null);
    return position == null ? -1 : (int) (position - 1);
  }

  @Override
  public Optional<StateInfo> describe(StateId id) {
    return jdbc.sql("SELECT * FROM snapshot_cache.state WHERE id = ?").param(id.hex()).query(StateCache::info).optional();
  }

  @Override
  public void pin(StateId id) {
    if (jdbc.sql("UPDATE snapshot_cache.state SET pins = pins + 1 WHERE id = ?").param(id.hex()).update() == 0) {
      throw new TaidonException(ErrorCode.NOT_FOUND, "state " + id.shortForm() + " is not known");
    }
  }

  @Override
  public void unpin(StateId id) {
    if (jdbc.sql("UPDATE snapshot_cache.state SET pins = pins - 1 WHERE id = ? AND pins > 0").param(id.hex()).update() == 0) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "state " + id.shortForm() + " is not pinned");
    }
  }

  /**
   * Frees space down to the low watermark. The amount to free is computed once, because file
   * systems (btrfs above all) return the space of deleted snapshots asynchronously; evicting "until
   * usage drops" would evict far more than needed.
   */
  @Override
  public EvictionReport evict() {
    measureUnknownSizes();
    Fullness fullness = fullness();
    long toFree = fullness.bytesAbove(settings.lowWatermark());
    List<StateId> evicted = new ArrayList<>();
    long freed = 0;
    while (freed < toFree) {
      Optional<Candidate> candidate = nextCandidate();
      if (candidate.isEmpty()) {
        break;
      }
      StateId id = candidate.get().id();
      // Claim it first: a restore that leased it meanwhile, or a child published meanwhile, keeps it.
      int claimed = jdbc.sql("""
              UPDATE snapshot_cache.state s SET snapshot = false
               WHERE id = ? AND snapshot AND pins = 0 AND (in_use_until IS NULL OR in_use_until < now())
                 AND NOT EXISTS (SELECT 1 FROM snapshot_cache.state c WHERE c.parent_id = s.id AND c.snapshot)""")
          .param(id.hex()).update();
      if (claimed == 1) {
        store.delete(id);
        evicted.add(id);
        evictions.increment();
        freed += candidate.get().sizeBytes();
        log.info("Evicted state {} ({} bytes)", id.shortForm(), candidate.get().sizeBytes());
      }
    }
    return new EvictionReport(evicted, freed, fullness.fractionAfterFreeing(freed));
  }

  /**
   * How full the store is: its snapshots against the configured capacity, or, without one, its file
   * system (which may hold other data that eviction cannot free).
   */
  private record Fullness(long used, long total) {
    double fraction() {
      return total == 0 ? 1.0 : (double) used / total;
    }

    long bytesAbove(double watermark) {
      return Math.max(0, used - (long) (watermark * total));
    }

    double fractionAfterFreeing(long freed) {
      return total == 0 ? 1.0 : (double) Math.max(0, used - freed) / total;
    }
  }

  private Fullness fullness() {
    if (settings.capacity().toBytes() == 0) {
      StoreUsage disk = store.usage();
      return new Fullness(disk.totalBytes() - disk.usableBytes(), disk.totalBytes());
    }
    measureUnknownSizes();
    long snapshots = jdbc.sql("SELECT coalesce(sum(size_bytes), 0) FROM snapshot_cache.state WHERE snapshot")
        .query(Long.class).single();
    return new Fullness(snapshots, settings.capacity().toBytes());
  }

  /** Evicts when above the high watermark; refuses with STORE_FULL when nothing may be evicted. */
  private void makeRoom() {
    if (fullness().fraction() <= settings.highWatermark()) {
      return;
    }
    EvictionReport report = evict();
    if (report.usedFraction() > settings.highWatermark()) {
      Map<String, Object> facts = jdbc.sql("""
              SELECT count(*) FILTER (WHERE snapshot) AS snapshots,
                     count(*) FILTER (WHERE snapshot AND pins > 0) AS pinned,
                     count(*) FILTER (WHERE snapshot AND in_use_until > now()) AS in_use
                FROM snapshot_cache.state""").query().singleRow();
      String why = ((Number) facts.get("snapshots")).longValue() == 0
          ? "it holds no snapshots to evict: free space on its file system or set taidon.store.capacity"
          : String.format("none of its %s snapshots may be evicted (%s pinned, %s in use, the rest have cached "
              + "children): unpin states or enlarge the store", facts.get("snapshots"), facts.get("pinned"),
              facts.get("in_use"));
      throw new TaidonException(ErrorCode.STORE_FULL, String.format("the state store is %.0f%% full (high watermark "
          + "%.0f%%) and %s", report.usedFraction() * 100, settings.highWatermark() * 100, why), Map.of("usedFraction", report.usedFraction(), "snapshots", facts.get("snapshots"),
              "pinned", facts.get("pinned"), "inUse", facts.get("in_use")), null);
    }
  }

  private record Candidate(StateId id, long sizeBytes) {}

  /**
   * The snapshot to evict next: a leaf (no child has a snapshot, so the cache stays prefix-closed),
   * neither pinned nor in use, and among those the one whose loss costs least for the space it
   * frees: big, long unused, rarely used and cheap to rebuild go first.
   */
  private Optional<Candidate> nextCandidate() {
    return jdbc.sql("""
            SELECT s.id, coalesce(s.size_bytes, 0) FROM snapshot_cache.state s
             WHERE s.snapshot AND s.pins = 0 AND (s.in_use_until IS NULL OR s.in_use_until < now())
               AND NOT EXISTS (SELECT 1 FROM snapshot_cache.state c WHERE c.parent_id = s.id AND c.snapshot)
             ORDER BY (coalesce(s.size_bytes, 0) + 1)::float8 * (extract(epoch FROM now() - s.last_used_at) + 1)
                      / ((s.build_cost_ms + 1)::float8 * (s.use_count + 1)) DESC, s.id
             LIMIT 1""")
        .query((rs, n) -> new Candidate(new StateId(rs.getString(1)), rs.getLong(2)))
        .optional();
  }

  /**
   * Makes the state tree and the store agree after a crash: half-published snapshots are removed,
   * a snapshot without a row saying so is removed, a row whose snapshot is gone says so.
   */
  void reconcile() {
    int debris = store.collectDebris();
    Set<StateId> stored = store.states();
    List<String> recorded = jdbc.sql("SELECT id FROM snapshot_cache.state WHERE snapshot").query(String.class).list();
    int orphans = 0;
    for (StateId id : stored) {
      if (!recorded.contains(id.hex())) {
        store.delete(id);
        orphans++;
      }
    }
    int lost = 0;
    for (String id : recorded) {
      if (!stored.contains(new StateId(id))) {
        lost += jdbc.sql("UPDATE snapshot_cache.state SET snapshot = false WHERE id = ?").param(id).update();
      }
    }
    if (debris + orphans + lost > 0) {
      log.warn("State cache reconciled after an unclean stop: {} half-published snapshots and {} unrecorded snapshots "
          + "removed, {} states marked as without snapshot", debris, orphans, lost);
    }
  }

  private static StateInfo info(ResultSet rs, int row) throws SQLException {
    return new StateInfo(new StateId(rs.getString("id")),
        Optional.ofNullable(rs.getString("parent_id")).map(StateId::new),
        rs.getBoolean("snapshot"), rs.getLong("size_bytes"), rs.getLong("build_cost_ms"),
        rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("last_used_at").toInstant(),
        rs.getLong("use_count"), rs.getInt("pins"), Optional.ofNullable(rs.getString("owner")),
        rs.getString("visibility"));
  }
}
