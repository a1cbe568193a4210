package dev.taidon.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.testkit.RecordingCommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlDatabaseDirectoryTest {
  @TempDir Path directory;

  @Test
  void anEmptyDirectoryOnBtrfsIsMarkedNoCopyOnWrite() throws Exception {
    RecordingCommandRunner runner = new RecordingCommandRunner();

    new ControlDatabaseDirectory(runner).prepare(directory, "btrfs");

    assertThat(runner.commandLines())
        .as("the control database's directory on btrfs must get the no-copy-on-write attribute before initdb")
        .containsExactly("chattr +C " + directory);
  }

  @Test
  void aDirectoryThatAlreadyHoldsFilesIsLeftAsItIs() throws Exception {
    Files.createDirectory(directory.resolve("pgdata"));
    RecordingCommandRunner runner = new RecordingCommandRunner();

    new ControlDatabaseDirectory(runner).prepare(directory, "btrfs");

    assertThat(runner.commandLines())
        .as("the attribute only reaches new files, so an existing cluster's directory is not touched")
        .isEmpty();
  }

  @Test
  void otherFileSystemsNeedNothing() throws Exception {
    RecordingCommandRunner runner = new RecordingCommandRunner();

    new ControlDatabaseDirectory(runner).prepare(directory, "ext4");
    new ControlDatabaseDirectory(runner).prepare(directory, "xfs");

    assertThat(runner.commandLines()).as("copy-on-write is btrfs's alone").isEmpty();
  }

  @Test
  void aRefusedAttributeCostsSpeedNotTheStart() throws Exception {
    RecordingCommandRunner runner = new RecordingCommandRunner().answer(1, "", "chattr: Operation not supported");

    new ControlDatabaseDirectory(runner).prepare(directory, "btrfs");

    assertThat(directory).as("the directory is still there to initialise the cluster in").isEmptyDirectory();
    assertThat(runner.commandLines()).hasSize(1);
  }

  @Test
  void aMissingDirectoryIsCreated() {
    Path missing = directory.resolve("data/control-db");

    new ControlDatabaseDirectory(new RecordingCommandRunner()).prepare(missing);

    assertThat(missing).isEmptyDirectory();
  }
}
