package dev.taidon.snapshotcache.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.command.Command;
import dev.taidon.core.command.ProcessCommandRunner;
import dev.taidon.snapshotcache.StoreBackend;
import dev.taidon.snapshotcache.StoreSettings;
import dev.taidon.testkit.LoopFileSystem;
import dev.taidon.testkit.TestDirectories;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** Backend detection on real file systems. */
class StateStoreLocatorIT {
  private final StateStoreLocator locator = new StateStoreLocator(new ProcessCommandRunner());

  private static StoreSettings settings(String backend, boolean loopImage) {
    return new StoreSettings(backend, loopImage, DataSize.ofMegabytes(300), true, DataSize.ofBytes(0), 0.9, 0.8);
  }

  @Test
  void choosesBtrfsSnapshotsOnBtrfs() {
    try (LoopFileSystem btrfs = LoopFileSystem.btrfs(200)) {
      StateStoreLocator.Located located = locator.open(settings("auto", true), btrfs.root().resolve("store"),
          btrfs.root().resolve("store.img"), true);
      assertThat(located.store().backend()).isEqualTo(StoreBackend.BTRFS);
      assertThat(located.loopMount()).isEmpty();
      assertThat(locator.accessTimeWarning(btrfs.root().resolve("store"))).as("mounted noatime").isEmpty();
    }
  }

  @Test
  void aBtrfsStoreThatRecordsAccessTimesIsToldToBeMountedNoatime() {
    try (LoopFileSystem btrfs = LoopFileSystem.btrfsWithAccessTimes(200)) {
      assertThat(locator.accessTimeWarning(btrfs.root()))
          .hasValueSatisfying(warning -> assertThat(warning).contains(btrfs.root() + " is mounted with relatime")
              .contains("mount -o remount,noatime " + btrfs.root()));
    }
  }

  @Test
  void choosesReflinksOnXfsWithReflink() {
    try (LoopFileSystem xfs = LoopFileSystem.xfs(300)) {
      StateStoreLocator.Located located = locator.open(settings("auto", true), xfs.root().resolve("store"),
          xfs.root().resolve("store.img"), true);
      assertThat(located.store().backend()).isEqualTo(StoreBackend.REFLINK);
    }
  }

  @Test
  void onAFileSystemWithoutEitherARootPlatformMountsABtrfsLoopImageAndReusesItAfterARestart() throws Exception {
    LoopFileSystem.requireRoot();
    Path base = TestDirectories.create("locator");
    try {
      Path store = base.resolve("store");
      Path image = base.resolve("store.img");
      assertThat(StateStoreLocator.fileSystemType(base)).as("precondition: the temp directory is not btrfs")
          .isNotEqualTo("btrfs");
      StateStoreLocator.Located located = locator.open(settings("auto", true), store, image, true);
      assertThat(located.store().backend()).isEqualTo(StoreBackend.BTRFS);
      assertThat(located.loopMount()).contains(store);
      assertThat(StateStoreLocator.fileSystemType(store)).isEqualTo("btrfs");
      assertThat(image.toFile().length()).as("sparse image of the configured size").isEqualTo(300L << 20);
      String device = loopDevice(store);
      assertThat(mountOptions(store)).as("the platform's own store records no access times").contains("noatime");
      assertThat(Files.readString(Path.of("/sys/block", device, "loop", "dio")).strip())
          .as("the loop device reads and writes its image with direct I/O").isEqualTo("1");

      // A crash leaves it mounted; the next start uses the mount as it is.
      StateStoreLocator.Located again = locator.open(settings("auto", true), store, image, true);
      assertThat(again.store().backend()).isEqualTo(StoreBackend.BTRFS);
      locator.unmount(store);
      assertThat(StateStoreLocator.fileSystemType(store)).isNotEqualTo("btrfs");
      assertThat(Path.of("/sys/block", device, "loop")).as("unmounting detached the loop device").doesNotExist();

      // After a clean stop the image is mounted again, not created anew.
      long modified = image.toFile().lastModified();
      StateStoreLocator.Located remounted = locator.open(settings("auto", true), store, image, true);
      assertThat(remounted.store().backend()).isEqualTo(StoreBackend.BTRFS);
      assertThat(image.toFile().lastModified()).isGreaterThanOrEqualTo(modified);
      locator.unmount(store);
    } finally {
      TestDirectories.delete(base);
    }
  }

  private static java.util.List<String> mountOptions(Path mountPoint) {
    return java.util.List.of(new ProcessCommandRunner().run(Command.of("findmnt", "--noheadings", "--output", "OPTIONS",
        "--mountpoint", mountPoint.toString())).stdout().strip().split(","));
  }

  /** The loop device's name ({@code loop3}) under a mounted store. */
  private static String loopDevice(Path mountPoint) {
    String source = new ProcessCommandRunner().run(Command.of("findmnt", "--noheadings", "--output", "SOURCE",
        "--mountpoint", mountPoint.toString())).stdout().strip();
    assertThat(source).as("the store is mounted from a loop device").startsWith("/dev/loop");
    return source.substring("/dev/".length());
  }

  @Test
  void fallsBackToCopiesWhenLoopImagesAreNotAllowed() {
    Path base = TestDirectories.create("locator-copy");
    try {
      StateStoreLocator.Located located = locator.open(settings("auto", false), base.resolve("store"),
          base.resolve("store.img"), true);
      assertThat(located.store().backend()).isEqualTo(StoreBackend.COPY);
      assertThat(base.resolve("store.img")).doesNotExist();
    } finally {
      TestDirectories.delete(base);
    }
  }

  @Test
  void refusesAConfiguredBackendTheFileSystemCannotDo() {
    Path base = TestDirectories.create("locator-refuse");
    try {
      assertThatThrownBy(() -> locator.open(settings("btrfs", false), base.resolve("store"), base.resolve("img"), true))
          .hasMessageContaining("taidon.store.backend=btrfs").hasMessageContaining("does not support it");
    } finally {
      TestDirectories.delete(base);
    }
  }
}
