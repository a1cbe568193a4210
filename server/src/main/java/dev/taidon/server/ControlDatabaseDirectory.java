package dev.taidon.server;

import dev.taidon.core.command.Command;
import dev.taidon.core.command.CommandFailedException;
import dev.taidon.core.command.CommandResult;
import dev.taidon.core.command.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the directory of the embedded control database before its cluster is initialised. On
 * btrfs the directory is marked no-copy-on-write ({@code chattr +C}), which its files inherit: a
 * database that commits (and so {@code fdatasync}s its WAL) several times per learner request pays
 * for btrfs's copy-on-write and checksums on every flush, which PostgreSQL's own WAL already makes
 * redundant. The control database is never snapshotted, so it loses nothing by it. Measured on
 * this project's development machine, a run of {@code SELECT 1} answered in 5–6 ms with the
 * control database on btrfs and 3.4–3.8 ms with the attribute set.
 */
final class ControlDatabaseDirectory {
  private static final Logger log = LoggerFactory.getLogger(ControlDatabaseDirectory.class);

  private final CommandRunner runner;

  ControlDatabaseDirectory(CommandRunner runner) {
    this.runner = runner;
  }

  /**
   * Creates {@code directory} when missing and, when it is empty and on btrfs, sets its
   * no-copy-on-write attribute. The attribute only applies to files created afterwards, so an
   * existing cluster keeps what it has. Failing to set it costs speed, not correctness: it is
   * logged and the start goes on.
   */
  void prepare(Path directory) {
    try {
      Files.createDirectories(directory);
      prepare(directory, Files.getFileStore(directory).type());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the control database's directory " + directory, e);
    }
  }

  /** {@link #prepare(Path)} of an existing directory on a file system of the given type. */
  void prepare(Path directory, String fileSystemType) throws IOException {
    if (fileSystemType.equals("btrfs") && isEmpty(directory)) {
      disableCopyOnWrite(directory);
    }
  }

  private void disableCopyOnWrite(Path directory) {
    try {
      CommandResult result = runner.execute(noCopyOnWrite(directory));
      if (!result.succeeded()) {
        throw CommandFailedException.of(result);
      }
      log.info("The control database's directory {} is on btrfs: marked no-copy-on-write, so its commits"
          + " cost one plain flush", directory);
    } catch (CommandFailedException e) {
      log.warn("The control database's directory {} is on btrfs and could not be marked no-copy-on-write ({}):"
          + " every commit will cost more; see docs/operations.md", directory, e.getMessage());
    }
  }

  static Command noCopyOnWrite(Path directory) {
    return Command.of("chattr", "+C", directory.toString());
  }

  private static boolean isEmpty(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.findAny().isEmpty();
    }
  }
}
