package dev.taidon.core.command;

import dev.taidon.core.NativeCalls;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs commands as operating-system processes through {@link ProcessBuilder}, never a shell. */
public final class ProcessCommandRunner implements CommandRunner {
  /** Output beyond this many bytes per stream is dropped: enough for any diagnostic. */
  static final int MAX_CAPTURED_BYTES = 256 * 1024;

  private static final Logger log = LoggerFactory.getLogger(ProcessCommandRunner.class);
  /** Output is drained on virtual threads so a blocked pipe never holds a platform thread. */
  private static final Executor DRAINERS = Executors.newVirtualThreadPerTaskExecutor();

  @Override
  public CommandResult execute(Command command) {
    long started = System.nanoTime();
    Process process = launch(builder(command), command);
    CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()), DRAINERS);
    CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()), DRAINERS);
    try {
      if (!process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        throw new CommandFailedException(command, CommandFailedException.NO_EXIT_STATUS,
            stderr.exceptionally(e -> "").getNow(""),
            "did not finish within " + command.timeout().toMillis() + " ms and was killed", null);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      CommandResult result = new CommandResult(command, process.exitValue(), stdout.get(), stderr.get(), took);
      log.debug("{} -> {} in {} ms", command.display(), result.exitStatus(), took.toMillis());
      return result;
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new CommandFailedException(command, CommandFailedException.NO_EXIT_STATUS, "", "was interrupted", e);
    } catch (ExecutionException e) {
      throw new CommandFailedException(command, CommandFailedException.NO_EXIT_STATUS, "", "output could not be read", e);
    }
  }

  @Override
  public Process start(Command command, Path logFile) {
    ProcessBuilder builder = builder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    return launch(builder, command);
  }

  private static ProcessBuilder builder(Command command) {
    ProcessBuilder builder = new ProcessBuilder(command.argv());
    builder.environment().putAll(command.environment());
    command.workingDirectory().ifPresent(dir -> builder.directory(dir.toFile()));
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    return builder;
  }

  /**
   * Starts the process on a platform thread ({@link NativeCalls}): the JDK's fork and exec is native
   * code that waits until the new program runs, and would hold a virtual thread's carrier meanwhile.
   */
  private static Process launch(ProcessBuilder builder, Command command) {
    return NativeCalls.shared().call(() -> {
      try {
        return builder.start();
      } catch (IOException e) {
        throw new CommandFailedException(command, CommandFailedException.NO_EXIT_STATUS, "",
            "could not be started (" + e.getMessage() + ")", e);
      }
    });
  }

  /** Reads up to {@link #MAX_CAPTURED_BYTES} and discards the rest; a stream closed by a kill ends it early. */
  private static String drain(InputStream stream) {
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    try (stream) {
      byte[] buffer = new byte[8192];
      for (int read = stream.read(buffer); read >= 0; read = stream.read(buffer)) {
        kept.write(buffer, 0, Math.min(read, Math.max(0, MAX_CAPTURED_BYTES - kept.size())));
      }
    } catch (IOException closedByKill) {
      // What was read so far is all there is.
    }
    return kept.toString(StandardCharsets.UTF_8);
  }

}
