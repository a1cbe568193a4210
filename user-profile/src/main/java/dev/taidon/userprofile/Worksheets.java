package dev.taidon.userprofile;

import java.util.List;

/**
 * Learners' worksheets: a base and ordered cells of SQL, saved per owner. Every call names the
 * owner; a worksheet of another owner is {@code NOT_FOUND}, exactly like one that does not exist,
 * so ids reveal nothing.
 */
public interface Worksheets {

  /**
   * Creates an empty worksheet.
   *
   * @throws dev.taidon.core.TaidonException {@code QUOTA_EXCEEDED} when the owner has as many
   *     worksheets as allowed; {@code INVALID_ARGUMENT} for a title that is too long
   */
  Worksheet createWorksheet(String owner, String title, WorksheetBase base);

  /** @throws dev.taidon.core.TaidonException {@code NOT_FOUND} unless the owner has this worksheet */
  Worksheet worksheet(String owner, String id);

  /** The owner's worksheets, most recently changed first, without their cells. */
  List<WorksheetSummary> worksheetsOf(String owner);

  /**
   * Replaces the title (when given) and the cells.
   *
   * @throws dev.taidon.core.TaidonException {@code CONFLICT} when {@code change.expectedVersion} is
   *     given and the worksheet has changed since; {@code INVALID_ARGUMENT} naming the cell for
   *     duplicate or malformed cell ids, and for cells or titles beyond the limits
   */
  Worksheet updateWorksheet(String owner, String id, WorksheetChange change);

  /** @throws dev.taidon.core.TaidonException {@code NOT_FOUND} unless the owner has this worksheet */
  void deleteWorksheet(String owner, String id);

  /** Deletes every worksheet of an account that is going away; returns how many there were. */
  int deleteWorksheetsOf(String owner);
}
