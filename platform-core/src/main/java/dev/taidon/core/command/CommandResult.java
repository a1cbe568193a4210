package dev.taidon.core.command;

import java.time.Duration;

/** What a finished command left behind. Output is decoded as UTF-8 and bounded in size. */
public record CommandResult(Command command, int exitStatus, String stdout, String stderr, Duration duration) {

  public boolean succeeded() {
    return exitStatus == 0;
  }
}
