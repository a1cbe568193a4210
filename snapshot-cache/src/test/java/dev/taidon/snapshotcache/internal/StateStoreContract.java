package dev.taidon.snapshotcache.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.core.command.ProcessCommandRunner;
import dev.taidon.snapshotcache.StateId;
import dev.taidon.snapshotcache.StoreBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every state store backend must do; one subclass per backend runs it on a real file system. */
abstract class StateStoreContract {
  private static final AtomicInteger NAMES = new AtomicInteger();

  protected CowStateStore store;

  /** The directory, on the file system under test, that holds the store. */
  protected abstract Path storeRoot();

  protected abstract StoreBackend backend();

  /** How the store under test makes btrfs subvolumes; empty for the way the platform prefers. */
  protected Optional<Subvolumes> subvolumes() {
    return Optional.empty();
  }

  @BeforeEach
  void openStore() throws Exception {
    Path root = storeRoot().resolve("store-" + NAMES.incrementAndGet());
    Files.createDirectories(root);
    ProcessCommandRunner runner = new ProcessCommandRunner();
    store = subvolumes().map(made -> new CowStateStore(backend(), root, runner, made))
        .orElseGet(() -> new CowStateStore(backend(), root, runner));
  }

  static StateId id(String seed) {
    return StateId.root("0".repeat(64)).child(seed, "");
  }

  private Path workspaceWith(String content) throws Exception {
    Path workspace = store.workspaces().resolve("ws-" + NAMES.incrementAndGet());
    store.createWorkspace(workspace);
    Files.writeString(workspace.resolve("PG_VERSION"), content);
    Files.createDirectories(workspace.resolve("base/1"));
    Files.write(workspace.resolve("base/1/16384"), new byte[1 << 20]);
    Files.setPosixFilePermissions(workspace, PosixFilePermissions.fromString("rwx------"));
    return workspace;
  }

  @Test
  void aRestoredWorkspaceHoldsExactlyWhatWasPublishedAndIsIndependentOfIt() throws Exception {
    Path workspace = workspaceWith("18");
    StateId id = id("restore");
    assertThat(store.publish(workspace, id)).as("first publish stores the state").isTrue();
    Files.writeString(workspace.resolve("PG_VERSION"), "changed after publishing");

    Path restored = store.workspaces().resolve("restored");
    store.restore(id, restored);
    assertThat(Files.readString(restored.resolve("PG_VERSION"))).as("content at publish time").isEqualTo("18");
    assertThat(Files.size(restored.resolve("base/1/16384"))).isEqualTo(1 << 20);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(restored)))
        .as("PostgreSQL insists on a private data directory").isEqualTo("rwx------");

    Files.writeString(restored.resolve("PG_VERSION"), "written by the sandbox");
    Path again = store.workspaces().resolve("again");
    store.restore(id, again);
    assertThat(Files.readString(again.resolve("PG_VERSION"))).as("the state is immutable").isEqualTo("18");
  }

  @Test
  void publishingAStoredStateAgainKeepsTheFirstCopy() throws Exception {
    StateId id = id("twice");
    assertThat(store.publish(workspaceWith("first"), id)).isTrue();
    assertThat(store.publish(workspaceWith("second"), id)).isFalse();
    Path restored = store.workspaces().resolve("twice");
    store.restore(id, restored);
    assertThat(Files.readString(restored.resolve("PG_VERSION"))).isEqualTo("first");
  }

  @Test
  void concurrentPublishersOfOneStateStoreItOnce() throws Exception {
    StateId id = id("race");
    List<Path> workspaces = List.of(workspaceWith("a"), workspaceWith("a"), workspaceWith("a"), workspaceWith("a"));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Callable<Boolean>> publishes = workspaces.stream().<Callable<Boolean>>map(ws -> () -> store.publish(ws, id)).toList();
    int stored = 0;
    for (Future<Boolean> result : pool.invokeAll(publishes)) {
      stored += result.get() ? 1 : 0;
    }
    pool.shutdown();
    assertThat(stored).as("publishes that stored the state").isEqualTo(1);
    assertThat(store.states()).containsExactly(id);
    assertThat(store.collectDebris()).as("no temporary copies left").isZero();
  }

  @Test
  void debrisOfACrashedPublishIsInvisibleAndCollected() throws Exception {
    Path workspace = workspaceWith("x");
    StateId id = id("crashed");
    // What a crash between snapshot and rename leaves: a complete copy under the temporary name.
    Path debris = store.statePath(id).resolveSibling(CowStateStore.PUBLISHING_PREFIX + id.hex() + "-dead");
    new ProcessCommandRunner().run(dev.taidon.core.command.Command.of("cp", "-a", workspace.toString(), debris.toString()));
    assertThat(store.contains(id)).isFalse();
    assertThat(store.states()).doesNotContain(id);
    assertThat(store.collectDebris()).isEqualTo(1);
    assertThat(debris).doesNotExist();
  }

  @Test
  void deletedStatesAndWorkspacesAreGone() throws Exception {
    Path workspace = workspaceWith("x");
    StateId id = id("deleted");
    store.publish(workspace, id);
    assertThat(store.sizeOf(id)).as("size on disk").isGreaterThanOrEqualTo(1 << 20);
    store.delete(id);
    store.deleteWorkspace(workspace);
    assertThat(store.contains(id)).isFalse();
    assertThat(workspace).doesNotExist();
    store.delete(id);
    store.deleteWorkspace(workspace);
  }

  @Test
  void aDeletedWorkspaceFreesItsPathAtOnceAndIsRemovedInTheBackground() throws Exception {
    Path workspace = workspaceWith("x");
    StateId id = id("replaced");
    store.publish(workspace, id);

    store.deleteWorkspace(workspace);
    store.restore(id, workspace);

    assertThat(workspace.resolve("PG_VERSION")).as("the workspace restored in the deleted one's place").hasContent("x");
    store.finishDeletions(java.time.Duration.ofSeconds(30));
    try (java.util.stream.Stream<Path> left = Files.list(store.workspaces())) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .as("deleted workspaces left behind").noneMatch(name -> name.startsWith(CowStateStore.DISCARDED_PREFIX));
    }
  }

  @Test
  void aWorkspaceWhoseDeletionACrashInterruptedIsCollectedAsDebris() throws Exception {
    Path workspace = workspaceWith("x");
    Path debris = store.workspaces().resolve(CowStateStore.DISCARDED_PREFIX + "sb-dead-1234");
    Files.move(workspace, debris);

    assertThat(store.collectDebris()).isEqualTo(1);
    assertThat(debris).doesNotExist();
  }

  @Test
  void restoringAnUnknownStateIsNotFoundAndCreatesNothing() {
    Path workspace = store.workspaces().resolve("never");
    assertThatThrownBy(() -> store.restore(id("unknown"), workspace))
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(workspace).doesNotExist();
  }

  @Test
  void reportsUsageOfItsFileSystem() {
    assertThat(store.usage().totalBytes()).isPositive();
    assertThat(store.usage().usedFraction()).isBetween(0.0, 1.0);
  }
}
