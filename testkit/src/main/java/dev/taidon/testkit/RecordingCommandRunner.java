package dev.taidon.testkit;

import dev.taidon.core.command.Command;
import dev.taidon.core.command.CommandResult;
import dev.taidon.core.command.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * A {@link CommandRunner} that runs nothing: it records every command line and answers with the
 * results a test scripted, so tests can assert the exact commands a component issues.
 */
public final class RecordingCommandRunner implements CommandRunner {
  private final List<Command> commands = new ArrayList<>();
  private final Deque<Function<Command, CommandResult>> answers = new ArrayDeque<>();

  /** The next command exits with {@code exitStatus} and prints {@code stdout} and {@code stderr}. */
  public RecordingCommandRunner answer(int exitStatus, String stdout, String stderr) {
    answers.add(command -> new CommandResult(command, exitStatus, stdout, stderr, Duration.ZERO));
    return this;
  }

  @Override
  public synchronized CommandResult execute(Command command) {
    commands.add(command);
    Function<Command, CommandResult> answer = answers.poll();
    return answer == null ? new CommandResult(command, 0, "", "", Duration.ZERO) : answer.apply(command);
  }

  @Override
  public synchronized Process start(Command command, Path logFile) {
    commands.add(command);
    throw new UnsupportedOperationException("a recording runner starts no processes: " + command.display());
  }

  /** Every command line seen so far, each as one display string. */
  public synchronized List<String> commandLines() {
    return commands.stream().map(Command::display).toList();
  }

  public synchronized List<Command> commands() {
    return List.copyOf(commands);
  }
}
