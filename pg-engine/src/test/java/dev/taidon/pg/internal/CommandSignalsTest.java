package dev.taidon.pg.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.command.Command;
import dev.taidon.core.command.CommandFailedException;
import dev.taidon.core.command.CommandResult;
import dev.taidon.core.command.CommandRunner;
import dev.taidon.pg.ProcessSignals.Signal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandSignalsTest {

  /** Records each command and answers with a fixed exit status and stderr. */
  private static final class Answering implements CommandRunner {
    final List<Command> commands = new ArrayList<>();
    final int exitStatus;
    final String stderr;

    Answering(int exitStatus, String stderr) {
      this.exitStatus = exitStatus;
      this.stderr = stderr;
    }

    @Override
    public CommandResult execute(Command command) {
      commands.add(command);
      return new CommandResult(command, exitStatus, "", stderr, Duration.ZERO);
    }

    @Override
    public Process start(Command command, Path logFile) {
      throw new UnsupportedOperationException("signals start no servers");
    }
  }

  @Test
  void sendsEachSignalByNameToThePid() {
    Answering runner = new Answering(0, "");
    CommandSignals signals = new CommandSignals(runner);
    signals.send(4242, Signal.INT);
    signals.send(4242, Signal.QUIT);
    signals.send(4242, Signal.KILL);
    assertThat(runner.commands).extracting(Command::argv).containsExactly(
        List.of("kill", "-s", "INT", "4242"), List.of("kill", "-s", "QUIT", "4242"), List.of("kill", "-s", "KILL", "4242"));
  }

  @Test
  void aProcessThatHasAlreadyExitedIsNotAnError() {
    CommandSignals signals = new CommandSignals(new Answering(1, "kill: (4242) - No such process\n"));
    signals.send(4242, Signal.INT);
  }

  @Test
  void anyOtherFailureIsATypedErrorWithTheCommandsStatusAndStderr() {
    CommandSignals signals = new CommandSignals(new Answering(1, "kill: (4242) - Operation not permitted\n"));
    assertThatThrownBy(() -> signals.send(4242, Signal.QUIT)).isInstanceOf(CommandFailedException.class)
        .hasMessageContaining("Operation not permitted");
  }

  @Test
  void refusesPidsThatMeanWholeGroupsOrInit() {
    Answering runner = new Answering(0, "");
    CommandSignals signals = new CommandSignals(runner);
    for (long pid : new long[] {-1, 0, 1}) {
      assertThatThrownBy(() -> signals.send(pid, Signal.KILL)).as("signal to pid %d", pid)
          .hasMessageContaining("not a process id to signal");
    }
    assertThat(runner.commands).as("commands run for refused pids").isEmpty();
  }
}
