package dev.taidon.sqlrunner;

import dev.taidon.envmanager.OwnerKind;
import java.util.Optional;

/**
 * A request to run cells of a worksheet: the head is {@code fromCellId} (or {@code throughCellId}
 * alone) through {@code throughCellId}; every cell before the head is the tail.
 *
 * @param owner the account running it
 * @param ownerKind anonymous or registered: decides the limits
 * @param worksheetId the worksheet
 * @param throughCellId the last cell to execute
 * @param fromCellId the first cell to execute with results (run all: the first cell); empty for
 *     {@code throughCellId} alone
 */
public record RunRequest(
    String owner, OwnerKind ownerKind, String worksheetId, String throughCellId, Optional<String> fromCellId) {}
