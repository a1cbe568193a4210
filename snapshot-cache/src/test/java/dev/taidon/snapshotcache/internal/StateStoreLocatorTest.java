package dev.taidon.snapshotcache.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.taidon.snapshotcache.StoreBackend;
import dev.taidon.snapshotcache.StoreSettings;
import dev.taidon.testkit.RecordingCommandRunner;
import dev.taidon.testkit.TestDirectories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.util.unit.DataSize;

/** The exact commands that put a loop-image store in place; the file systems themselves are in the IT. */
class StateStoreLocatorTest {
  private Path base;
  private Path store;
  private Path image;

  @BeforeEach
  void existingImageOnAFileSystemWithoutSnapshots() throws Exception {
    base = TestDirectories.create("locator-commands");
    store = base.resolve("store");
    image = base.resolve("store.img");
    Files.createFile(image);
    assumeThat(StateStoreLocator.fileSystemType(base)).as("a temporary directory without snapshots").isNotEqualTo("btrfs");
  }

  @AfterEach
  void removeDirectories() {
    TestDirectories.delete(base);
  }

  private static StoreSettings settings(boolean directIo) {
    return new StoreSettings("auto", true, DataSize.ofGigabytes(1), directIo, DataSize.ofBytes(0), 0.9, 0.8);
  }

  /**
   * Answers as a machine whose file system cannot clone, with mkfs.btrfs installed, where the mount
   * lands on /dev/loop7 and {@code losetup} ends as given.
   */
  private static RecordingCommandRunner mountingOnLoop7(int losetupStatus, String losetupStderr) {
    return new RecordingCommandRunner()
        .answer(1, "", "cp: failed to clone: Operation not supported")
        .answer(0, "mkfs.btrfs, part of btrfs-progs v6.14", "")
        .answer(0, "", "")
        .answer(0, "/dev/loop7\n", "")
        .answer(losetupStatus, "", losetupStderr);
  }

  @Test
  void mountsTheImageAndSwitchesItsLoopDeviceToDirectIo() {
    RecordingCommandRunner runner = mountingOnLoop7(0, "");

    StateStoreLocator.Located located = new StateStoreLocator(runner).open(settings(true), store, image, true);

    assertThat(located.store().backend()).isEqualTo(StoreBackend.BTRFS);
    assertThat(runner.commandLines().subList(1, runner.commandLines().size())).containsExactly(
        "mkfs.btrfs --version",
        "mount -o loop,noatime " + image + " " + store,
        "findmnt --noheadings --output SOURCE --mountpoint " + store,
        "losetup --direct-io=on /dev/loop7");
  }

  @Test
  void aLoopDeviceThatRefusesDirectIoStaysBufferedAndTheStoreIsUsedAllTheSame() {
    RecordingCommandRunner runner = mountingOnLoop7(1, "losetup: /dev/loop7: set direct io failed: Invalid argument");

    StateStoreLocator.Located located = new StateStoreLocator(runner).open(settings(true), store, image, true);

    assertThat(located.store().backend()).as("buffered I/O is slower to reclaim, not wrong").isEqualTo(StoreBackend.BTRFS);
    assertThat(located.loopMount()).contains(store);
  }

  @Test
  void withDirectIoTurnedOffTheLoopDeviceIsLeftAsMountMadeIt() {
    RecordingCommandRunner runner = new RecordingCommandRunner()
        .answer(1, "", "cp: failed to clone: Operation not supported");

    new StateStoreLocator(runner).open(settings(false), store, image, true);

    List<String> lines = runner.commandLines();
    assertThat(lines.getLast()).isEqualTo("mount -o loop,noatime " + image + " " + store);
    assertThat(lines).noneMatch(line -> line.startsWith("losetup") || line.startsWith("findmnt"));
  }

  @Test
  void aStoreMountedWithRelativeAccessTimesIsToldToBeMountedNoatime() {
    RecordingCommandRunner runner = new RecordingCommandRunner()
        .answer(0, "/srv/taidon rw,relatime,ssd,space_cache=v2,subvolid=5,subvol=/\n", "");

    var warning = new StateStoreLocator(runner).accessTimeWarning(Path.of("/srv/taidon/data/store"));

    assertThat(runner.commandLines()).containsExactly(
        "findmnt --noheadings --raw --output TARGET,OPTIONS --target /srv/taidon/data/store");
    assertThat(warning).as("a warning naming the mount, its access-time mode and the remount that fixes it")
        .hasValueSatisfying(text -> assertThat(text).contains("/srv/taidon is mounted with relatime")
            .contains("mount -o remount,noatime /srv/taidon"));
  }

  @ParameterizedTest(name = "[{index}] findmnt exits {0} with ''{1}''")
  @CsvSource(delimiter = '|', textBlock = """
      0 | /srv/taidon rw,noatime,ssd,space_cache=v2,subvolid=5,subvol=/  | mounted noatime: nothing to say
      1 | ''                                                             | findmnt failed
      0 | ''                                                             | nothing printed
      0 | garbled                                                        | no options column
      0 | /a rw,relatime\\n/b rw,relatime                                | two mounts where one was asked for
      """)
  void noWarningUnlessTheMountIsKnownToRecordAccessTimes(int status, String stdout, String why) {
    RecordingCommandRunner runner = new RecordingCommandRunner().answer(status, stdout.replace("\\n", "\n"),
        status == 0 ? "" : "findmnt: can't read /proc/self/mountinfo");

    assertThat(new StateStoreLocator(runner).accessTimeWarning(Path.of("/srv/taidon"))).as(why).isEmpty();
  }

  @Test
  void aMountPointWithSpacesIsNamedAsItIsWrittenAndStrictAccessTimesAreNamedToo() {
    RecordingCommandRunner runner = new RecordingCommandRunner().answer(0, "/srv/taidon\\x20data rw,ssd\n", "");

    assertThat(new StateStoreLocator(runner).accessTimeWarning(Path.of("/srv/taidon data")))
        .hasValueSatisfying(text -> assertThat(text).contains("/srv/taidon data is mounted with strictatime"));
  }
}
