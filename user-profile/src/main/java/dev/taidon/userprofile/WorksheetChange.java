package dev.taidon.userprofile;

import java.util.List;
import java.util.Optional;

/**
 * A new title (optional) and the complete new list of cells.
 *
 * @param title the new title, or empty to keep it
 * @param cells every cell, in order
 * @param expectedVersion the version the client edited; the change is refused if the worksheet has
 *     moved on since. Empty to overwrite unconditionally
 */
public record WorksheetChange(Optional<String> title, List<Worksheet.Cell> cells, Optional<Long> expectedVersion) {}
