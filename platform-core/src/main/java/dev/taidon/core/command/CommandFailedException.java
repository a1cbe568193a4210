package dev.taidon.core.command;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An external command that could not be started, ran out of time, or exited with a non-zero
 * status. Carries the exact command line, the exit status and what it wrote to stderr.
 */
public class CommandFailedException extends TaidonException {
  /** The exit status used when the command never ran or was killed at its time limit. */
  public static final int NO_EXIT_STATUS = -1;

  private final Command command;
  private final int exitStatus;
  private final String stderr;

  public CommandFailedException(Command command, int exitStatus, String stderr, String why, Throwable cause) {
    super(ErrorCode.COMMAND_FAILED, message(command, why, stderr), facts(command, exitStatus), cause);
    this.command = command;
    this.exitStatus = exitStatus;
    this.stderr = stderr;
  }

  public static CommandFailedException of(CommandResult result) {
    return new CommandFailedException(
        result.command(), result.exitStatus(), result.stderr(), "exited with status " + result.exitStatus(), null);
  }

  public Command command() {
    return command;
  }

  public int exitStatus() {
    return exitStatus;
  }

  public String stderr() {
    return stderr;
  }

  /** Whether the command failed because a file system ran out of space. */
  public boolean isOutOfSpace() {
    return stderr.contains("No space left on device") || stderr.contains("Disk quota exceeded");
  }

  private static String message(Command command, String why, String stderr) {
    String tail = stderr.strip();
    return "`" + command.display() + "` " + why + (tail.isEmpty() ? "" : ": " + tail);
  }

  private static Map<String, Object> facts(Command command, int exitStatus) {
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("program", command.program());
    facts.put("exitStatus", exitStatus);
    return facts;
  }
}
