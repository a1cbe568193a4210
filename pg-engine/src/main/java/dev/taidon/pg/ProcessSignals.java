package dev.taidon.pg;

import dev.taidon.core.command.CommandRunner;
import dev.taidon.pg.internal.CommandSignals;
import dev.taidon.pg.internal.KillSignals;

/**
 * Sends the signals that stop a PostgreSQL server. Java's {@link ProcessHandle} sends only SIGTERM
 * (which PostgreSQL reads as a smart shutdown, waiting for every client) and SIGKILL; a fast or an
 * immediate shutdown needs SIGINT or SIGQUIT.
 */
public interface ProcessSignals {

  /** The signals used, with their numbers on Linux (the same on x86-64 and arm64). */
  enum Signal {
    INT(2), QUIT(3), KILL(9);

    private final int number;

    Signal(int number) {
      this.number = number;
    }

    public int number() {
      return number;
    }
  }

  /**
   * Sends {@code signal} to process {@code pid}. A process that has already exited is not an error:
   * whoever sends a stop signal waits for the exit next.
   */
  void send(long pid, Signal signal);

  /** How the signals are sent, for the log: {@code kill(2)} or {@code the kill command}. */
  String how();

  /**
   * {@code kill(2)} through JNA where its native part loads (no process start per signal);
   * otherwise the {@code kill} command through {@code runner}. Where JNA does not load, a warning
   * says why, once per process.
   */
  static ProcessSignals preferred(CommandRunner runner) {
    return KillSignals.shared().orElseGet(() -> new CommandSignals(runner));
  }
}
