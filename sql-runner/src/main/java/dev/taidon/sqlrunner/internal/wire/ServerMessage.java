package dev.taidon.sqlrunner.internal.wire;

import java.util.Map;
import java.util.Optional;

/**
 * An error or notice as PostgreSQL reported it (the fields of an ErrorResponse or NoticeResponse).
 *
 * @param severity {@code ERROR}, {@code NOTICE}, {@code WARNING}, … (never localised)
 * @param sqlstate the five-character SQLSTATE
 * @param message the primary message
 * @param detail optional detail
 * @param hint optional hint
 * @param position 1-based character position in the statement, or 0 when none was reported
 * @param where the context (call stack of functions), if any
 */
public record ServerMessage(
    String severity, String sqlstate, String message, Optional<String> detail, Optional<String> hint, int position,
    Optional<String> where) {

  static ServerMessage of(Map<Character, String> fields) {
    String severity = fields.getOrDefault('V', fields.getOrDefault('S', "ERROR"));
    int position = 0;
    try {
      position = Integer.parseInt(fields.getOrDefault('P', "0"));
    } catch (NumberFormatException ignored) {
      // A malformed position is reported as none.
    }
    return new ServerMessage(severity, fields.getOrDefault('C', "XX000"), fields.getOrDefault('M', ""),
        Optional.ofNullable(fields.get('D')), Optional.ofNullable(fields.get('H')), position,
        Optional.ofNullable(fields.get('W')));
  }

  @Override
  public String toString() {
    return severity + " " + sqlstate + ": " + message;
  }
}
