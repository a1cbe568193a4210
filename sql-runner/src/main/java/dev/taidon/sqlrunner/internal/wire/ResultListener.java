package dev.taidon.sqlrunner.internal.wire;

import java.util.List;

/**
 * Receives one statement's outcome from a {@link WireSession} as it arrives. Called on the thread
 * that executes the statement, in protocol order.
 */
public interface ResultListener {

  /** The statement returns rows with these columns (also for {@code COPY … TO STDOUT}: one text column). */
  default void columns(List<WireColumn> columns) {}

  /**
   * A row within the limits, values in PostgreSQL's text format, {@code null} for SQL NULL. Values
   * longer than the per-value limit are cut to it; {@code cut} says whether any was.
   */
  default void row(List<String> values, boolean cut) {}

  /** A notice, warning or other non-error message the server sent while the statement ran. */
  default void notice(ServerMessage notice) {}

  /** The current database changed: the session now runs on another database. */
  default void parameter(String name, String value) {}
}
