package dev.taidon.userprofile;

/**
 * Share links: immutable copies of a worksheet (title, base, cells) that any signed-in account may
 * read and copy into a worksheet of its own. Replay is deterministic, so a copy reaches the same
 * states as the original. The token is the only key; an unknown or malformed token is
 * {@code NOT_FOUND}.
 */
public interface Shares {

  /**
   * Shares the owner's worksheet as it is now. Callers have checked that others may read its base
   * ({@code SqlRunner.checkPublicBase}); a project's seeded state never qualifies.
   *
   * @throws dev.taidon.core.TaidonException {@code NOT_FOUND} unless the owner has this worksheet;
   *     {@code CONFLICT} for a worksheet on a project; {@code QUOTA_EXCEEDED} when the owner has as
   *     many shares as allowed
   */
  Share shareWorksheet(String owner, String worksheetId);

  /** @throws dev.taidon.core.TaidonException {@code NOT_FOUND} for an unknown or malformed token */
  Share share(String token);

  /**
   * Creates a worksheet of {@code owner} with the share's title, base and cells (cell ids kept).
   *
   * @throws dev.taidon.core.TaidonException {@code NOT_FOUND} for an unknown or malformed token;
   *     {@code QUOTA_EXCEEDED} when the owner has as many worksheets as allowed;
   *     {@code INVALID_ARGUMENT} or {@code PAYLOAD_TOO_LARGE} when the share exceeds today's
   *     worksheet limits
   */
  Worksheet copyShare(String owner, String token);

  /** Deletes every share of an account that is going away; returns how many there were. */
  int deleteSharesOf(String owner);
}
