package dev.taidon.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.core.command.Command;
import dev.taidon.core.command.CommandResult;
import dev.taidon.core.command.ProcessCommandRunner;
import dev.taidon.testkit.LoopFileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The control database's directory on a real btrfs file system. */
class ControlDatabaseDirectoryIT {
  @Test
  void filesOfTheControlDatabaseOnBtrfsAreNotCopiedOnWrite() throws Exception {
    ProcessCommandRunner runner = new ProcessCommandRunner();
    try (LoopFileSystem btrfs = LoopFileSystem.btrfs(256)) {
      Path directory = btrfs.root().resolve("data/control-db");

      new ControlDatabaseDirectory(runner).prepare(directory);
      Path wal = Files.createDirectories(directory.resolve("pgdata/pg_wal"));
      Path segment = Files.writeString(wal.resolve("000000010000000000000001"), "wal");

      CommandResult attributes = runner.execute(Command.of("lsattr", "-d", wal.toString(), segment.toString()));
      assertThat(attributes.stdout().lines().map(line -> line.split(" ")[0]))
          .as("directories and files created below the control database's directory inherit no-copy-on-write:\n"
              + attributes.stdout())
          .hasSize(2)
          .allMatch(flags -> flags.contains("C"));
    }
  }
}
