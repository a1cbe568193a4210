package dev.taidon.sqlrunner;

import dev.taidon.envmanager.OwnerKind;
import java.util.Optional;

/**
 * A read-only query on a state of a worksheet: the state after {@code atCellId} (or the base), on
 * which {@code sql} runs in a read-only transaction that is rolled back.
 *
 * @param owner the account asking
 * @param ownerKind anonymous or registered: decides the limits
 * @param worksheetId the worksheet
 * @param atCellId the cell whose state is queried; empty for the worksheet's base
 * @param sql the query: statements and psql's echo, qecho, set and unset meta-commands; nothing
 *     that controls transactions
 */
public record QueryRequest(
    String owner, OwnerKind ownerKind, String worksheetId, Optional<String> atCellId, String sql) {

  /** The cell id of the query's step in events: not a valid cell id, so it never names a cell. */
  public static final String STEP_ID = "@query";
}
