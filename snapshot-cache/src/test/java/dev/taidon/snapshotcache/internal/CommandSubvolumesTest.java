package dev.taidon.snapshotcache.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.core.command.CommandFailedException;
import dev.taidon.snapshotcache.StoreBackend;
import dev.taidon.testkit.RecordingCommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandSubvolumesTest {

  @Test
  void subvolumesAndSnapshotsAreMadeByTheseExactCommandLines() {
    RecordingCommandRunner runner = new RecordingCommandRunner();
    CommandSubvolumes subvolumes = new CommandSubvolumes(runner);

    subvolumes.create(Path.of("/store/workspaces/a"));
    subvolumes.snapshot(Path.of("/store/workspaces/a"), Path.of("/store/states/.publishing-x"), true);
    subvolumes.snapshot(Path.of("/store/states/x"), Path.of("/store/workspaces/b"), false);
    subvolumes.delete(Path.of("/store/workspaces/.discarded-b"));

    assertThat(runner.commandLines()).as("no --commit-after: concurrent ones stall for a whole commit interval")
        .containsExactly(
            "btrfs subvolume create /store/workspaces/a",
            "btrfs subvolume snapshot -r /store/workspaces/a /store/states/.publishing-x",
            "btrfs subvolume snapshot /store/states/x /store/workspaces/b",
            "btrfs subvolume delete /store/workspaces/.discarded-b");
  }

  @Test
  void aFailingSnapshotIsATypedErrorWithTheCommandsStatusAndStderr() {
    RecordingCommandRunner runner = new RecordingCommandRunner()
        .answer(1, "", "ERROR: Could not create subvolume: File exists\n");

    assertThatThrownBy(() -> new CommandSubvolumes(runner).snapshot(Path.of("/s/a"), Path.of("/s/b"), true))
        .isInstanceOfSatisfying(CommandFailedException.class, e -> {
          assertThat(e.exitStatus()).isEqualTo(1);
          assertThat(e.getMessage()).contains("btrfs subvolume snapshot -r /s/a /s/b").contains("File exists");
        });
  }

  @Test
  void aSnapshotThatRunsOutOfSpaceMakesTheStoreReportItselfFull(@TempDir Path root) throws Exception {
    RecordingCommandRunner runner = new RecordingCommandRunner()
        .answer(0, "", "")
        .answer(1, "", "ERROR: cannot snapshot '/x': No space left on device\n");
    CowStateStore store = new CowStateStore(StoreBackend.BTRFS, root, runner, new CommandSubvolumes(runner));
    Path workspace = store.workspaces().resolve("w");
    store.createWorkspace(workspace);
    Files.createDirectories(workspace);

    assertThatThrownBy(() -> store.publish(workspace, StateStoreContract.id("full")))
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_FULL))
        .hasMessageContaining("out of space");
  }
}
