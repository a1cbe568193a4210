package dev.taidon.userprofile;

import java.time.Instant;
import java.util.List;

/**
 * A saved worksheet.
 *
 * @param id {@code ws-} and 32 hex digits
 * @param owner the account it belongs to
 * @param title what the learner called it
 * @param base the state its first cell runs on
 * @param cells the cells in order
 * @param version raised by every change, for optimistic concurrency
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 */
public record Worksheet(
    String id, String owner, String title, WorksheetBase base, List<Cell> cells, long version, Instant createdAt,
    Instant updatedAt) {

  public Worksheet {
    cells = List.copyOf(cells);
  }

  /**
   * One cell: a step of the worksheet's chain.
   *
   * @param id stable across edits and moves, chosen by the client: 1 to 64 letters, digits, {@code -} or {@code _}
   * @param sql the cell's SQL text (statements and psql meta-commands)
   */
  public record Cell(String id, String sql) {}
}
