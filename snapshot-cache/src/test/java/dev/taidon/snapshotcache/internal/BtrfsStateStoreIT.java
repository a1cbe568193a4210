package dev.taidon.snapshotcache.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.snapshotcache.StoreBackend;
import dev.taidon.testkit.LoopFileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BtrfsStateStoreIT extends StateStoreContract {
  private static LoopFileSystem fileSystem;

  @BeforeAll
  static void mount() {
    fileSystem = LoopFileSystem.btrfs(400);
  }

  @AfterAll
  static void unmount() {
    fileSystem.close();
  }

  @Override
  protected Path storeRoot() {
    return fileSystem.root();
  }

  @Override
  protected StoreBackend backend() {
    return StoreBackend.BTRFS;
  }

  @Test
  void theStoreMakesSubvolumesTheWayItWasGivenAndPrefersIoctls() {
    assertThat(store.subvolumesHow()).as("how the store under test makes subvolumes (JNA loads on this machine)")
        .isEqualTo(subvolumes().map(Subvolumes::how).orElse("ioctls"));
  }

  @Test
  void statesAndWorkspacesAreSubvolumesSoSnapshotsTakeConstantTime() throws Exception {
    Path workspace = store.workspaces().resolve("sub");
    store.createWorkspace(workspace);
    assertThat(Files.getAttribute(workspace, "unix:ino")).as("inode of a subvolume root").isEqualTo(256L);
    store.publish(workspace, id("sub"));
    assertThat(Files.getAttribute(store.statePath(id("sub")), "unix:ino")).isEqualTo(256L);
  }

  @Test
  void runningOutOfSpaceIsAStoreFullError() throws Exception {
    Path workspace = store.workspaces().resolve("huge");
    store.createWorkspace(workspace);
    assertThatThrownBy(() -> {
      for (int i = 0; i < 100; i++) {
        new dev.taidon.core.command.ProcessCommandRunner().run(dev.taidon.core.command.Command.of(
            "dd", "if=/dev/urandom", "of=" + workspace.resolve("f" + i), "bs=1M", "count=20", "status=none"));
        store.publish(workspace, id("huge-" + i));
        Files.writeString(workspace.resolve("marker"), "" + i);
      }
    }).satisfiesAnyOf(
        error -> assertThat(error).isInstanceOfSatisfying(TaidonException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_FULL)),
        error -> assertThat(error).hasMessageContaining("No space left on device"));
  }
}
