package dev.taidon.core.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real processes: the runner is the boundary to the operating system, so nothing is faked here. */
class ProcessCommandRunnerTest {
  private final ProcessCommandRunner runner = new ProcessCommandRunner();

  @Test
  void capturesOutputAndExitStatus() {
    CommandResult result = runner.execute(Command.of("sh", "-c", "echo out; echo err >&2; exit 3"));
    assertThat(result.exitStatus()).isEqualTo(3);
    assertThat(result.stdout()).isEqualTo("out\n");
    assertThat(result.stderr()).isEqualTo("err\n");
  }

  @Test
  void runThrowsATypedErrorCarryingExitStatusAndStderr() {
    assertThatThrownBy(() -> runner.run(Command.of("sh", "-c", "echo 'No space left on device' >&2; exit 28")))
        .isInstanceOfSatisfying(CommandFailedException.class, e -> {
          assertThat(e.exitStatus()).isEqualTo(28);
          assertThat(e.stderr()).contains("No space left on device");
          assertThat(e.isOutOfSpace()).as("out-of-space is recognised").isTrue();
          assertThat(e.getMessage()).contains("exited with status 28");
        });
  }

  @Test
  void aMissingProgramIsATypedErrorToo() {
    assertThatThrownBy(() -> runner.run(Command.of("/nonexistent/taidon-no-such-program")))
        .isInstanceOfSatisfying(CommandFailedException.class,
            e -> assertThat(e.exitStatus()).isEqualTo(CommandFailedException.NO_EXIT_STATUS))
        .hasMessageContaining("could not be started");
  }

  @Test
  void aVirtualThreadStartsProcessesAndHearsOfThoseThatCannotStart() throws Exception {
    AtomicReference<Object> outcomes = new AtomicReference<>();

    Thread.ofVirtual().start(() -> {
      CommandResult started = runner.execute(Command.of("sh", "-c", "echo from a virtual thread"));
      Throwable missing = null;
      try {
        runner.run(Command.of("/nonexistent/taidon-no-such-program"));
      } catch (Throwable e) {
        missing = e;
      }
      outcomes.set(List.of(started.stdout(), missing == null ? "nothing thrown" : missing));
    }).join();

    List<?> seen = (List<?>) outcomes.get();
    assertThat(seen.get(0)).isEqualTo("from a virtual thread\n");
    assertThat(seen.get(1)).as("what a missing program threw on a virtual thread")
        .isInstanceOf(CommandFailedException.class).asString().contains("could not be started");
  }

  @Test
  void killsCommandsThatOutliveTheirTimeLimit() {
    assertThatThrownBy(() -> runner.execute(Command.of("sleep", "30").withTimeout(Duration.ofMillis(200))))
        .isInstanceOf(CommandFailedException.class)
        .hasMessageContaining("did not finish within 200 ms");
  }

  @Test
  void boundsCapturedOutputSoAChattyCommandCannotExhaustMemory() {
    CommandResult result = runner.execute(Command.of("sh", "-c", "head -c 2000000 /dev/zero"));
    assertThat(result.exitStatus()).isZero();
    assertThat(result.stdout().length()).isEqualTo(ProcessCommandRunner.MAX_CAPTURED_BYTES);
  }

  @Test
  void passesEnvironmentAndWorkingDirectory(@TempDir Path directory) throws Exception {
    Files.writeString(directory.resolve("marker"), "here");
    CommandResult result = runner.run(Command.of("sh", "-c", "cat marker; printf %s \"$TAIDON_PROBE\"")
        .inDirectory(directory).withEnvironment("TAIDON_PROBE", "value"));
    assertThat(result.stdout()).isEqualTo("herevalue");
  }

  @Test
  void startAppendsOutputOfLongRunningCommandsToALogFile(@TempDir Path directory) throws Exception {
    Path log = directory.resolve("server.log");
    Files.writeString(log, "earlier\n");
    Process process = runner.start(Command.of("sh", "-c", "echo started; echo oops >&2"), log);
    assertThat(process.waitFor()).isZero();
    assertThat(Files.readString(log)).isEqualTo("earlier\nstarted\noops\n");
  }
}
