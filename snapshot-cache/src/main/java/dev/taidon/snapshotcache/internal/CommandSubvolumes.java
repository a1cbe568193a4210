package dev.taidon.snapshotcache.internal;

import dev.taidon.core.command.Command;
import dev.taidon.core.command.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;

/** Subvolumes made by the {@code btrfs} command; failures are the runner's typed command errors. */
final class CommandSubvolumes implements Subvolumes {
  /** A snapshot takes milliseconds; minutes mean the file system hangs. */
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  private final CommandRunner runner;

  CommandSubvolumes(CommandRunner runner) {
    this.runner = runner;
  }

  @Override
  public void create(Path path) {
    runner.run(Command.of("btrfs", "subvolume", "create", path.toString()).withTimeout(TIMEOUT));
  }

  @Override
  public void snapshot(Path source, Path target, boolean readOnly) {
    runner.run((readOnly
        ? Command.of("btrfs", "subvolume", "snapshot", "-r", source.toString(), target.toString())
        : Command.of("btrfs", "subvolume", "snapshot", source.toString(), target.toString())).withTimeout(TIMEOUT));
  }

  @Override
  public void delete(Path path) {
    runner.run(Command.of("btrfs", "subvolume", "delete", path.toString()).withTimeout(TIMEOUT));
  }

  @Override
  public String how() {
    return "the btrfs command";
  }
}
