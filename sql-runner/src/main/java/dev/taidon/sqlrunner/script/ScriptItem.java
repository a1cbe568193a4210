package dev.taidon.sqlrunner.script;

import java.util.List;
import java.util.Optional;

/** One thing a psql-style script asks for, in order: an SQL statement or a meta-command. */
public sealed interface ScriptItem {

  /** Where the item starts in the script: 1-based line and column. */
  Position position();

  /** The file it comes from, for project scripts and what they include; empty for a cell. */
  String source();

  /**
   * An SQL statement as psql would send it: from its first significant character (leading
   * whitespace and {@code --} comments dropped) through its terminating semicolon, if it has one.
   *
   * @param sql the statement text
   * @param copyData for {@code COPY … FROM STDIN}, the data lines that followed it, without the
   *     terminating {@code \.} line
   * @param segments where the pieces of {@code sql} stand in the script (see {@link #positionAt})
   * @param source the file it comes from; empty for a cell
   */
  record Statement(String sql, Position position, Optional<List<String>> copyData, List<Segment> segments, String source)
      implements ScriptItem {

    public Statement {
      segments = List.copyOf(segments);
    }

    /** A statement of a cell whose text is one contiguous piece of it, starting at {@code position}. */
    public Statement(String sql, Position position, Optional<List<String>> copyData) {
      this(sql, position, copyData, List.of(new Segment(0, position)), "");
    }

    /**
     * Where a character of {@link #sql} (0-based) stands in the script. Lines psql drops inside a
     * statement (empty lines, meta-commands) do not shift the answer.
     */
    public Position positionAt(int offset) {
      int clamped = Math.max(0, Math.min(offset, sql.length()));
      Segment segment = segments.getFirst();
      for (Segment candidate : segments) {
        if (candidate.offset() <= clamped) {
          segment = candidate;
        }
      }
      int line = segment.start().line();
      int column = segment.start().column();
      for (int i = segment.offset(); i < clamped; i++) {
        if (sql.charAt(i) == '\n') {
          line++;
          column = 1;
        } else {
          column++;
        }
      }
      return new Position(line, column);
    }
  }

  /** A piece of a statement's text that is contiguous in the script: from {@code offset} on, it starts at {@code start}. */
  record Segment(int offset, Position start) {}

  /**
   * A psql meta-command ({@code \connect db}, {@code \set x 1}, {@code \i file}, …), which runs to
   * the end of its line.
   *
   * @param name the command without its backslash, e.g. {@code connect} or {@code c}
   * @param arguments the rest of the line, split on whitespace with quotes honoured
   */
  record MetaCommand(String name, List<String> arguments, Position position, String source) implements ScriptItem {

    public MetaCommand(String name, List<String> arguments, Position position) {
      this(name, arguments, position, "");
    }
  }

  /** A 1-based line and column. */
  record Position(int line, int column) {}
}
