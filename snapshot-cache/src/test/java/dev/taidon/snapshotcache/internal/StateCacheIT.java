package dev.taidon.snapshotcache.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.core.command.Command;
import dev.taidon.core.command.ProcessCommandRunner;
import dev.taidon.core.role.RoleSchemas;
import dev.taidon.snapshotcache.NewState;
import dev.taidon.snapshotcache.SnapshotCache;
import dev.taidon.snapshotcache.SnapshotCacheRole;
import dev.taidon.snapshotcache.StateId;
import dev.taidon.snapshotcache.StateInfo;
import dev.taidon.snapshotcache.StoreBackend;
import dev.taidon.snapshotcache.StoreSettings;
import dev.taidon.testkit.LoopFileSystem;
import dev.taidon.testkit.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.unit.DataSize;

/** The state tree and the store together, on a real PostgreSQL and a small real file system. */
class StateCacheIT {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private TestPostgres postgres;
  private HikariDataSource dataSource;
  private LoopFileSystem fileSystem;
  private CowStateStore store;
  private StateCache cache;

  @BeforeEach
  void open() {
    postgres = TestPostgres.start();
    dataSource = postgres.pool(10);
    RoleSchemas.migrate(dataSource, SnapshotCacheRole.MODULE);
    fileSystem = LoopFileSystem.xfs(300);
    store = new CowStateStore(StoreBackend.COPY, fileSystem.root(), new ProcessCommandRunner());
    cache = new StateCache(store, JdbcClient.create(dataSource),
        new StoreSettings("copy", false, DataSize.ofGigabytes(1), true, DataSize.ofMegabytes(100), 0.65, 0.05),
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  @AfterEach
  void close() {
    dataSource.close();
    postgres.close();
    fileSystem.close();
  }

  private static final StateId ROOT = StateId.root("f".repeat(64));

  /** Publishes a state built from a workspace holding {@code megabytes} of data. */
  private StateId publish(StateId parent, String step, int megabytes) throws Exception {
    StateId id = parent.child(step, "");
    Path workspace = store.workspaces().resolve("ws-" + NAMES.incrementAndGet());
    cache.createWorkspace(workspace);
    new ProcessCommandRunner().run(Command.of("dd", "if=/dev/urandom", "of=" + workspace.resolve("data"), "bs=1M",
        "count=" + megabytes, "status=none"));
    cache.publish(workspace, new NewState(id, Optional.of(parent), Optional.of(step), 100, Optional.empty(), "private"));
    cache.deleteWorkspace(workspace);
    return id;
  }

  @Test
  void findsTheLongestCachedPrefixOfAChainInOneQuery() throws Exception {
    StateId a = publish(ROOT, "a", 1);
    StateId b = a.child("b", "");
    StateId c = publish(b, "c", 1);
    StateId d = c.child("d", "");
    assertThat(cache.longestCachedPrefix(List.of(a, b, c, d))).as("c has a snapshot, d does not").isEqualTo(2);
    assertThat(cache.longestCachedPrefix(List.of(b, d))).isEqualTo(-1);
    assertThat(cache.longestCachedPrefix(List.of())).isEqualTo(-1);
    assertThat(cache.longestCachedPrefix(List.of(a))).isZero();
  }

  @Test
  void restoringCountsAsUseAndAMissingSnapshotIsNotFound() throws Exception {
    StateId a = publish(ROOT, "a", 1);
    Path workspace = store.workspaces().resolve("restored");
    cache.restore(a, workspace);
    assertThat(Files.size(workspace.resolve("data"))).isEqualTo(1 << 20);
    StateInfo info = cache.describe(a).orElseThrow();
    assertThat(info.useCount()).isEqualTo(1);
    assertThat(info.parent()).contains(ROOT);
    assertThat(info.snapshot()).isTrue();
    assertThatThrownBy(() -> cache.restore(a.child("never", ""), store.workspaces().resolve("x")))
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void evictsLeavesFirstNeverPinnedStatesAndRefusesToPublishWhenNothingMayGo() throws Exception {
    // The cache's capacity is 100 MB, high watermark 65 MB, low 5 MB: a, d and b fit; c crosses it.
    StateId a = publish(ROOT, "a", 10);
    StateId d = publish(a, "d", 10);
    StateId b = publish(a, "b", 20);
    StateId c = publish(b, "c", 40);
    cache.pin(c);

    SnapshotCache.EvictionReport report = cache.evict();
    assertThat(report.evicted()).as("the only unpinned leaf").containsExactly(d);
    assertThat(cache.describe(d).orElseThrow().snapshot()).as("d stays known without a snapshot").isFalse();
    assertThat(store.contains(d)).isFalse();
    assertThat(store.states()).containsExactlyInAnyOrder(a, b, c);

    assertThatThrownBy(() -> publish(c, "e", 1))
        .isInstanceOfSatisfying(TaidonException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.STORE_FULL);
          assertThat(e.details()).containsEntry("pinned", 1L);
        })
        .hasMessageContaining("unpin states or enlarge the store");

    cache.unpin(c);
    assertThat(cache.evict().evicted()).as("once unpinned, the chain goes leaf first").startsWith(c);
    assertThatThrownBy(() -> cache.unpin(c)).hasMessageContaining("is not pinned");
  }

  @Test
  void reconcileRepairsWhatACrashLeftBetweenStoreAndTree() throws Exception {
    StateId recorded = publish(ROOT, "recorded", 1);
    StateId lost = publish(ROOT, "lost", 1);
    // A crash after the snapshot was stored but before its row was written:
    Path workspace = store.workspaces().resolve("unrecorded");
    store.createWorkspace(workspace);
    StateId unrecorded = ROOT.child("unrecorded", "");
    store.publish(workspace, unrecorded);
    // A snapshot removed behind the platform's back (or an eviction that crashed after its claim):
    store.delete(lost);
    // A crash in the middle of a publish:
    Files.createDirectories(store.statePath(recorded).resolveSibling(CowStateStore.PUBLISHING_PREFIX + "x"));

    cache.reconcile();
    assertThat(store.states()).containsExactly(recorded);
    assertThat(cache.describe(lost).orElseThrow().snapshot()).isFalse();
    assertThat(cache.longestCachedPrefix(List.of(recorded, lost, unrecorded))).isZero();
    assertThat(store.collectDebris()).isZero();
  }
}
