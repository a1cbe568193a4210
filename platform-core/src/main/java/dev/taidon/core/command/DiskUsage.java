package dev.taidon.core.command;

import java.nio.file.Files;
import java.nio.file.Path;

/** Disk space of a directory tree, as {@code du} counts it: allocated blocks, shared ones included. */
public final class DiskUsage {
  private DiskUsage() {}

  /** The bytes allocated below {@code directory}; 0 when it does not exist. */
  public static long bytes(CommandRunner runner, Path directory) {
    if (!Files.isDirectory(directory)) {
      return 0;
    }
    String out = runner.run(Command.of("du", "-s", "--block-size=1", directory.toString())).stdout().strip();
    return Long.parseLong(out.split("\\s+")[0]);
  }
}
