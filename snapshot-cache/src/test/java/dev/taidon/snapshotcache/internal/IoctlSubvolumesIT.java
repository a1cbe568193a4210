package dev.taidon.snapshotcache.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.core.command.Command;
import dev.taidon.core.command.ProcessCommandRunner;
import dev.taidon.testkit.LoopFileSystem;
import dev.taidon.testkit.TestDirectories;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ioctls on a real btrfs file system, checked against what the btrfs tool itself reports. */
class IoctlSubvolumesIT {
  private static final ProcessCommandRunner RUNNER = new ProcessCommandRunner();
  private static LoopFileSystem fileSystem;
  private static IoctlSubvolumes subvolumes;

  @BeforeAll
  static void mount() {
    fileSystem = LoopFileSystem.btrfs(300);
    subvolumes = IoctlSubvolumes.load();
  }

  @AfterAll
  static void unmount() {
    fileSystem.close();
  }

  @Test
  void aCreatedSubvolumeIsOneToTheBtrfsTool() throws Exception {
    Path created = fileSystem.root().resolve("created");

    subvolumes.create(created);

    assertThat(Files.getAttribute(created, "unix:ino")).as("inode of a subvolume's root directory").isEqualTo(256L);
    assertThat(RUNNER.run(Command.of("btrfs", "subvolume", "show", created.toString())).stdout())
        .as("btrfs subvolume show " + created).contains("Name: \t\t\tcreated");
  }

  @Test
  void aReadOnlySnapshotHoldsTheSourceAsItWasAndRefusesWrites() throws Exception {
    Path source = fileSystem.root().resolve("ro-source");
    subvolumes.create(source);
    Files.writeString(source.resolve("PG_VERSION"), "18");
    Path snapshot = fileSystem.root().resolve("ro-snapshot");

    subvolumes.snapshot(source, snapshot, true);
    Files.writeString(source.resolve("PG_VERSION"), "changed after the snapshot");

    assertThat(Files.readString(snapshot.resolve("PG_VERSION"))).isEqualTo("18");
    assertThat(RUNNER.run(Command.of("btrfs", "property", "get", snapshot.toString(), "ro")).stdout().strip())
        .isEqualTo("ro=true");
    assertThatThrownBy(() -> Files.writeString(snapshot.resolve("PG_VERSION"), "x"))
        .as("writing into a read-only snapshot, even as root").isInstanceOf(FileSystemException.class)
        .hasMessageContaining("Read-only file system");
  }

  @Test
  void aWritableSnapshotIsIndependentOfItsSource() throws Exception {
    Path source = fileSystem.root().resolve("rw-source");
    subvolumes.create(source);
    Files.writeString(source.resolve("data"), "published");
    Path clone = fileSystem.root().resolve("rw-clone");

    subvolumes.snapshot(source, clone, false);
    Files.writeString(clone.resolve("data"), "the learner's change");

    assertThat(Files.readString(source.resolve("data"))).isEqualTo("published");
    assertThat(RUNNER.run(Command.of("btrfs", "property", "get", clone.toString(), "ro")).stdout().strip())
        .isEqualTo("ro=false");
  }

  @Test
  void snapshottingOntoAnExistingPathFailsWithTheReasonAndTouchesNothing() throws Exception {
    Path source = fileSystem.root().resolve("exists-source");
    subvolumes.create(source);
    Path taken = Files.createDirectory(fileSystem.root().resolve("taken"));
    Files.writeString(taken.resolve("kept"), "mine");

    assertThatThrownBy(() -> subvolumes.snapshot(source, taken, true))
        .isInstanceOfSatisfying(TaidonException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.SYSTEM_CALL_FAILED);
          assertThat(e.getMessage()).contains(source.toString()).contains(taken.toString()).contains("EEXIST");
        });
    assertThat(Files.readString(taken.resolve("kept"))).isEqualTo("mine");
  }

  @Test
  void aPlainDirectoryCannotBeSnapshotted() throws Exception {
    Path plain = Files.createDirectory(fileSystem.root().resolve("plain"));

    assertThatThrownBy(() -> subvolumes.snapshot(plain, fileSystem.root().resolve("of-plain"), true))
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SYSTEM_CALL_FAILED))
        .hasMessageContaining(plain.toString());
    assertThat(fileSystem.root().resolve("of-plain")).doesNotExist();
  }

  @Test
  void aSourceThatDoesNotExistIsNamedInTheError() {
    Path missing = fileSystem.root().resolve("missing");

    assertThatThrownBy(() -> subvolumes.snapshot(missing, fileSystem.root().resolve("of-missing"), false))
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SYSTEM_CALL_FAILED))
        .hasMessageContaining("open(" + missing + ")").hasMessageContaining("ENOENT");
  }

  @Test
  void aSnapshotOntoAnotherFileSystemIsRefused() throws Exception {
    Path source = fileSystem.root().resolve("cross-source");
    subvolumes.create(source);
    Path elsewhere = TestDirectories.create("not-btrfs");
    try {
      assertThatThrownBy(() -> subvolumes.snapshot(source, elsewhere.resolve("snapshot"), true))
          .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SYSTEM_CALL_FAILED));
      assertThat(elsewhere.resolve("snapshot")).doesNotExist();
    } finally {
      TestDirectories.delete(elsewhere);
    }
  }

  @Test
  void deletedSubvolumesAreGoneReadOnlyOrNot() throws Exception {
    Path writable = fileSystem.root().resolve("deleted-writable");
    subvolumes.create(writable);
    Files.writeString(writable.resolve("data"), "x");
    Path readOnly = fileSystem.root().resolve("deleted-read-only");
    subvolumes.snapshot(writable, readOnly, true);

    subvolumes.delete(readOnly);
    subvolumes.delete(writable);

    assertThat(readOnly).doesNotExist();
    assertThat(writable).doesNotExist();
    assertThat(RUNNER.run(Command.of("btrfs", "subvolume", "list", fileSystem.root().toString())).stdout())
        .as("btrfs subvolume list after the deletions").doesNotContain("deleted-writable").doesNotContain("deleted-read-only");
  }

  @Test
  void deletingWhatIsNotASubvolumeFailsAndLeavesItAlone() throws Exception {
    Path plain = Files.createDirectory(fileSystem.root().resolve("plain-kept"));
    Files.writeString(plain.resolve("kept"), "mine");
    Path missing = fileSystem.root().resolve("never-there");

    assertThatThrownBy(() -> subvolumes.delete(plain))
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SYSTEM_CALL_FAILED))
        .hasMessageContaining("delete subvolume " + plain);
    assertThat(Files.readString(plain.resolve("kept"))).isEqualTo("mine");
    assertThatThrownBy(() -> subvolumes.delete(missing)).hasMessageContaining("ENOENT");
  }

  @Test
  void namesBtrfsCannotStoreAreRefusedBeforeAnyCall() {
    Path source = fileSystem.root().resolve("named-source");
    subvolumes.create(source);

    assertThatThrownBy(() -> subvolumes.snapshot(source, fileSystem.root().resolve("n".repeat(256)), true))
        .isInstanceOf(TaidonException.class).hasMessageContaining("1 to 255 bytes");
    assertThatThrownBy(() -> subvolumes.create(fileSystem.root().resolve("é".repeat(128))))
        .as("128 two-byte characters are 256 bytes").hasMessageContaining("1 to 255 bytes");
  }

  @Test
  void runningOutOfSpaceOrQuotaIsTheStoreBeingFull() {
    assertThat(subvolumes.failure("snapshot of a as b", "ioctl", 28).code()).isEqualTo(ErrorCode.STORE_FULL);
    assertThat(subvolumes.failure("snapshot of a as b", "ioctl", 122).code()).isEqualTo(ErrorCode.STORE_FULL);
    assertThat(subvolumes.failure("snapshot of a as b", "ioctl", 1).getMessage())
        .isEqualTo("btrfs snapshot of a as b failed in ioctl: Operation not permitted (EPERM)");
  }

  @Test
  void theIoctlNumbersAreThoseOfLinuxBtrfsH() {
    assertThat(IoctlSubvolumes.BTRFS_IOC_SUBVOL_CREATE).isEqualTo(0x5000940EL);
    assertThat(IoctlSubvolumes.BTRFS_IOC_SNAP_CREATE_V2).isEqualTo(0x50009417L);
    assertThat(IoctlSubvolumes.BTRFS_IOC_SNAP_DESTROY).isEqualTo(0x5000940FL);
    assertThat(IoctlSubvolumes.NAME_OFFSET_V2 + 4040).as("btrfs_ioctl_vol_args_v2 ends at 4096 bytes")
        .isEqualTo(IoctlSubvolumes.ARGUMENT_SIZE);
  }
}
