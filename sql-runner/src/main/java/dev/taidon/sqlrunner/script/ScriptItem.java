package dev.taidon.sqlrunner.script;

import java.util.List;
import java.util.Optional;

/** One thing a psql-style script asks for, in order: an SQL statement or a meta-command. */
public sealed interface ScriptItem {

  /** Where the item starts in the script: 1-based line and column. */
  Position position();

  /**
   * An SQL statement as psql would send it: from its first significant character (leading
   * whitespace and {@code --} comments dropped) through its terminating semicolon, if it has one.
   *
   * @param sql the statement text
   * @param copyData for {@code COPY … FROM STDIN}, the data lines that followed it, without the
   *     terminating {@code \.} line
   */
  record Statement(String sql, Position position, Optional<List<String>> copyData) implements ScriptItem {}

  /**
   * A psql meta-command ({@code \connect db}, {@code \set x 1}, {@code \i file}, …), which runs to
   * the end of its line.
   *
   * @param name the command without its backslash, e.g. {@code connect} or {@code c}
   * @param arguments the rest of the line, split on whitespace with quotes honoured
   */
  record MetaCommand(String name, List<String> arguments, Position position) implements ScriptItem {}

  /** A 1-based line and column. */
  record Position(int line, int column) {}
}
