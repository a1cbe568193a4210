package dev.taidon.pg.internal;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.command.Command;
import dev.taidon.core.command.CommandFailedException;
import dev.taidon.core.command.CommandResult;
import dev.taidon.core.command.CommandRunner;
import dev.taidon.core.TaidonException;
import dev.taidon.pg.ProcessSignals;

/** Signals sent by the {@code kill} command: the fallback where JNA cannot load. */
public final class CommandSignals implements ProcessSignals {
  private final CommandRunner runner;

  public CommandSignals(CommandRunner runner) {
    this.runner = runner;
  }

  @Override
  public void send(long pid, Signal signal) {
    if (pid <= 1) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "not a process id to signal: " + pid);
    }
    CommandResult result = runner.execute(command(pid, signal));
    // "No such process": it exited between the caller's look and the signal, which is what was wanted.
    if (!result.succeeded() && !result.stderr().contains("No such process")) {
      throw CommandFailedException.of(result);
    }
  }

  static Command command(long pid, Signal signal) {
    return Command.of("kill", "-s", signal.name(), Long.toString(pid));
  }

  @Override
  public String how() {
    return "the kill command";
  }
}
