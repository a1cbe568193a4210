package dev.taidon.core.command;

import java.nio.file.Path;

/**
 * The one way the platform runs external programs (postgres, initdb, btrfs, cp, kill, useradd).
 * Keeping it this narrow lets tests assert the exact command lines with a recording runner and
 * turns every failure into a typed {@link CommandFailedException}.
 */
public interface CommandRunner {

  /**
   * Runs the command to completion and returns its result whatever its exit status; throws
   * {@link CommandFailedException} only when it cannot be started or exceeds its time limit.
   */
  CommandResult execute(Command command);

  /** Runs the command and throws {@link CommandFailedException} unless it exits with status 0. */
  default CommandResult run(Command command) {
    CommandResult result = execute(command);
    if (!result.succeeded()) {
      throw CommandFailedException.of(result);
    }
    return result;
  }

  /**
   * Starts a long-running command (a server) without waiting for it. Its stdout and stderr are
   * appended to {@code logFile}; the caller owns the returned process.
   */
  Process start(Command command, Path logFile);
}
