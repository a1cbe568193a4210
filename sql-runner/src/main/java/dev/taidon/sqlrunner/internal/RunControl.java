package dev.taidon.sqlrunner.internal;

/**
 * Cancellation and timeouts of one run, shared between the thread executing it and whoever cancels
 * it or enforces its time limit. Statements are numbered so that a late timeout never cancels the
 * statement after the one it was meant for.
 */
final class RunControl {
  private volatile boolean cancelled;
  private volatile long statement;
  private volatile long timedOutStatement = -1;
  private volatile SandboxSession session;

  /** A statement starts on {@code on}; returns its number. */
  synchronized long startStatement(SandboxSession on) {
    session = on;
    return ++statement;
  }

  synchronized void endStatement() {
    session = null;
  }

  /** The statement numbered {@code number} ran out of time: cancel it if it still runs. */
  void timeOut(long number) {
    SandboxSession current;
    synchronized (this) {
      if (number != statement || session == null) {
        return;
      }
      timedOutStatement = number;
      current = session;
    }
    current.wire().cancel();
  }

  /** Cuts the connection of the statement numbered {@code number} if it still runs. */
  void abort(long number) {
    SandboxSession current;
    synchronized (this) {
      if (number != statement || session == null) {
        return;
      }
      current = session;
    }
    current.wire().abort();
  }

  /** Cancels the run: the running statement, and every one after it. */
  void cancel() {
    cancelled = true;
    SandboxSession current = session;
    if (current != null) {
      current.wire().cancel();
    }
  }

  boolean cancelled() {
    return cancelled;
  }

  boolean timedOut(long number) {
    return timedOutStatement == number;
  }
}
