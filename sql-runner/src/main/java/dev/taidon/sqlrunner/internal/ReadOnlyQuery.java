package dev.taidon.sqlrunner.internal;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.sqlrunner.script.ScriptContext;
import dev.taidon.sqlrunner.script.ScriptItem;
import dev.taidon.sqlrunner.script.ScriptParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a read-only query may hold, checked before anything runs. The query runs inside a read-only
 * transaction the runner opens and rolls back, so statements that would end that transaction, and
 * those that change the session beyond it, are refused here naming their line; everything else is
 * left to PostgreSQL, which refuses writes in a read-only transaction (SQLSTATE 25006). The runner
 * checks afterwards too, since this check reads only each statement's first words.
 */
final class ReadOnlyQuery {
  /** Meta-commands that act only on the query's own text or output. */
  static final Set<String> HARMLESS_META_COMMANDS = Set.of("echo", "qecho", "set", "unset");

  private ReadOnlyQuery() {}

  /**
   * The query's statements and meta-commands, parsed in {@code context} (the variables the cells
   * before it set).
   *
   * @throws TaidonException {@code INVALID_ARGUMENT} for a missing, oversized or unparseable query,
   *     and naming the line for a statement or meta-command a read-only query may not hold
   */
  static List<ScriptItem> parse(String sql, ScriptContext context, int maxChars) {
    if (sql == null || sql.isBlank()) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "sql is required: the query to run on the state");
    }
    if (sql.length() > maxChars) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "a query holds at most " + maxChars + " characters, not "
          + sql.length() + " (taidon.runner.max-query-chars)", Map.of("limit", "max-query-chars", "max", maxChars), null);
    }
    if (sql.indexOf('\0') >= 0) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "the query contains a NUL character, which PostgreSQL"
          + " cannot receive");
    }
    List<ScriptItem> items = ScriptParser.parse(sql, "", context);
    for (ScriptItem item : items) {
      switch (item) {
        case ScriptItem.Statement statement -> {
          String refused = refusal(leadingWords(statement.sql(), 3));
          if (refused != null) {
            throw refuse(item, refused);
          }
        }
        case ScriptItem.MetaCommand meta -> {
          if (!HARMLESS_META_COMMANDS.contains(meta.name())) {
            throw refuse(item, "\\" + meta.name() + " is not available in a read-only query, which may use only"
                + " \\echo, \\qecho, \\set and \\" + "unset; run it in a cell instead");
          }
        }
      }
    }
    return items;
  }

  /** Why a statement starting with {@code words} may not run in a read-only query, or null if it may. */
  private static String refusal(List<String> words) {
    if (words.isEmpty()) {
      return null;
    }
    String first = words.getFirst();
    String second = words.size() > 1 ? words.get(1) : "";
    String third = words.size() > 2 ? words.get(2) : "";
    boolean rollbackToSavepoint = first.equals("ROLLBACK")
        && (second.equals("TO") || (Set.of("WORK", "TRANSACTION").contains(second) && third.equals("TO")));
    boolean transactionControl = Set.of("BEGIN", "START", "COMMIT", "END", "ABORT").contains(first)
        || (first.equals("ROLLBACK") && !rollbackToSavepoint)
        || (first.equals("PREPARE") && second.equals("TRANSACTION"));
    if (transactionControl) {
      return first + " would end or replace the read-only transaction the query runs in; a query cannot control"
          + " transactions (run it in a cell instead)";
    }
    if (first.equals("DISCARD") || first.equals("LOAD")) {
      return first + " changes the session beyond the read-only transaction the query runs in; run it in a cell"
          + " instead";
    }
    return null;
  }

  private static TaidonException refuse(ScriptItem item, String why) {
    ScriptItem.Position at = item.position();
    return new TaidonException(ErrorCode.INVALID_ARGUMENT, "line " + at.line() + ": " + why,
        Map.of("line", at.line(), "column", at.column()), null);
  }

  /**
   * Up to {@code count} words at the start of a statement, upper case, after whitespace and
   * comments ({@code --} to the end of the line, nested block comments).
   */
  static List<String> leadingWords(String sql, int count) {
    List<String> words = new ArrayList<>();
    int i = 0;
    while (words.size() < count) {
      i = skipSpaceAndComments(sql, i);
      int start = i;
      while (i < sql.length() && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
        i++;
      }
      if (i == start) {
        break;
      }
      words.add(sql.substring(start, i).toUpperCase(Locale.ROOT));
    }
    return words;
  }

  private static int skipSpaceAndComments(String sql, int from) {
    int i = from;
    while (i < sql.length()) {
      if (Character.isWhitespace(sql.charAt(i))) {
        i++;
      } else if (sql.startsWith("--", i)) {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? sql.length() : end + 1;
      } else if (sql.startsWith("/*", i)) {
        int depth = 0;
        do {
          if (sql.startsWith("/*", i)) {
            depth++;
            i += 2;
          } else if (sql.startsWith("*/", i)) {
            depth--;
            i += 2;
          } else {
            i++;
          }
        } while (depth > 0 && i < sql.length());
      } else {
        break;
      }
    }
    return i;
  }
}
