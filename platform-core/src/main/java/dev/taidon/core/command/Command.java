package dev.taidon.core.command;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One external command line: the program and its arguments, exactly as they are passed to the
 * operating system (no shell), plus the environment entries to add and a time limit.
 *
 * @param argv the program followed by its arguments; never empty
 * @param environment entries added to the inherited environment
 * @param workingDirectory the directory to run in, or empty for the current one
 * @param timeout how long {@link CommandRunner#run} waits before it kills the command
 */
public record Command(
    List<String> argv, Map<String, String> environment, Optional<Path> workingDirectory, Duration timeout) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  public Command {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("a command needs a program");
    }
    environment = Map.copyOf(new TreeMap<>(environment));
    Objects.requireNonNull(workingDirectory, "workingDirectory");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
  }

  public static Command of(String program, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(program);
    argv.addAll(List.of(args));
    return new Command(argv, Map.of(), Optional.empty(), DEFAULT_TIMEOUT);
  }

  public static Command of(List<String> argv) {
    return new Command(argv, Map.of(), Optional.empty(), DEFAULT_TIMEOUT);
  }

  /** This command run through a prefix such as {@code setpriv --reuid=… --}. */
  public Command prefixedWith(List<String> prefix) {
    if (prefix.isEmpty()) {
      return this;
    }
    List<String> prefixed = new ArrayList<>(prefix);
    prefixed.addAll(argv);
    return new Command(prefixed, environment, workingDirectory, timeout);
  }

  public Command withEnvironment(String name, String value) {
    Map<String, String> merged = new TreeMap<>(environment);
    merged.put(name, value);
    return new Command(argv, merged, workingDirectory, timeout);
  }

  public Command inDirectory(Path directory) {
    return new Command(argv, environment, Optional.of(directory), timeout);
  }

  public Command withTimeout(Duration limit) {
    return new Command(argv, environment, workingDirectory, limit);
  }

  public String program() {
    return argv.getFirst();
  }

  /** The command line as a person would type it, for logs and error messages. */
  public String display() {
    StringBuilder line = new StringBuilder();
    for (String arg : argv) {
      if (!line.isEmpty()) {
        line.append(' ');
      }
      boolean plain = !arg.isEmpty() && arg.chars().allMatch(c -> Character.isLetterOrDigit(c) || "-_./=:,@%+".indexOf(c) >= 0);
      line.append(plain ? arg : "'" + arg.replace("'", "'\\''") + "'");
    }
    return line.toString();
  }
}
