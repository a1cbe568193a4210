package dev.taidon.sqlrunner.script;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Splits psql-style SQL text into statements and meta-commands the way psql's own lexer does, so a
 * script runs here statement by statement exactly as {@code psql -f} would send it:
 *
 * <ul>
 *   <li>semicolons end statements only outside quotes, comments, parentheses and the {@code BEGIN
 *       ATOMIC … END} body of {@code CREATE [OR REPLACE] FUNCTION|PROCEDURE};
 *   <li>quotes: {@code '…'} with {@code ''}, {@code E'…'} with backslash escapes, {@code "…"}
 *       identifiers, {@code $tag$…$tag$} dollar quoting; comments: {@code --} to the end of the
 *       line, {@code /* … *}{@code /} nested;
 *   <li>a backslash outside quotes and comments starts a meta-command that runs to the end of its
 *       line; {@code \g} sends the statement collected so far;
 *   <li>{@code COPY … FROM STDIN} takes the following lines as data up to a line {@code \.}.
 * </ul>
 *
 * <p>Leading whitespace and {@code --} comments are not part of a statement, nor are empty lines
 * outside quotes and comments (psql drops them); statements that hold nothing but a semicolon are
 * dropped too, since they do nothing.
 */
public final class ScriptParser {
  /** Scripts larger than this are refused: a script is code, not a data dump to stream. */
  public static final int MAX_CHARS = 64 * 1024 * 1024;

  private static final Pattern COPY_FROM_STDIN = Pattern.compile(
      "(?is)^\\s*copy\\b.*\\bfrom\\s+stdin\\b.*");

  private final String text;
  private final String source;
  private final ScriptContext context;
  private final int depth;
  private final List<ScriptItem> items = new ArrayList<>();
  private int pos;
  private int line = 1;
  private int column = 1;

  // The statement being collected.
  private final StringBuilder buffer = new StringBuilder();
  private ScriptItem.Position start;
  private int parenDepth;
  private int beginDepth;
  private final List<String> leadingWords = new ArrayList<>();
  private final List<ScriptItem.Segment> segments = new ArrayList<>();
  /** Where the last piece taken into the statement ended in the text. */
  private int takenUntil = -1;

  private ScriptParser(String text, String source, ScriptContext context, int depth) {
    this.text = text;
    this.source = source;
    this.context = context;
    this.depth = depth;
  }

  /**
   * Parses a whole script or cell.
   *
   * @throws TaidonException {@code INVALID_ARGUMENT} naming line and column for an unterminated
   *     quote, comment or COPY data block, or for oversized input
   */
  public static List<ScriptItem> parse(String text) {
    return parse(text, "", null);
  }

  /**
   * Parses a cell or script in a context: {@code \set} variables are set as they are met and
   * {@code :name}, {@code :'name'} and {@code :"name"} outside quotes and comments are replaced by
   * their values, as psql does; with a project context, {@code \i} and {@code \ir} are replaced
   * by the items of the files they name.
   *
   * @param source the file the text comes from, for positions and errors; empty for a cell
   * @param context the session-long state, or {@code null} for none (no substitution, no includes)
   */
  public static List<ScriptItem> parse(String text, String source, ScriptContext context) {
    return parse(text, source, context, 0);
  }

  private static List<ScriptItem> parse(String text, String source, ScriptContext context, int depth) {
    if (text.length() > MAX_CHARS) {
      throw new TaidonException(ErrorCode.PAYLOAD_TOO_LARGE, "a script may hold at most " + MAX_CHARS + " characters");
    }
    if (context != null) {
      context.parsed(text);
    }
    ScriptParser parser = new ScriptParser(text, source, context, depth);
    try {
      parser.run();
    } catch (TaidonException e) {
      if (source.isEmpty() || e.getMessage().startsWith(source + ":")) {
        throw e;
      }
      throw new TaidonException(e.code(), source + ": " + e.getMessage(), e);
    }
    return List.copyOf(parser.items);
  }

  private void run() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (buffer.isEmpty() && Character.isWhitespace(c)) {
        advance(1);
      } else if (c == '\n' && column == 1) {
        // psql skips input lines that are entirely empty, unless inside a quote or comment.
        advance(1);
      } else if (c == '-' && peek(1) == '-') {
        skipLineComment();
      } else if (c == '/' && peek(1) == '*') {
        collectBlockComment();
      } else if (c == '\'') {
        collectQuoted('\'', false);
      } else if ((c == 'E' || c == 'e') && peek(1) == '\'' && !identifierCharBefore()) {
        take(1);
        collectQuoted('\'', true);
      } else if (c == '"') {
        collectQuoted('"', false);
      } else if (c == '$' && dollarTag().isPresent() && !identifierCharBefore()) {
        collectDollarQuoted(dollarTag().get());
      } else if (c == '\\') {
        metaCommand();
      } else if (c == ':' && context != null && substitute()) {
        // A variable's value went into the statement.
      } else if (c == '(') {
        parenDepth++;
        take(1);
      } else if (c == ')') {
        parenDepth = Math.max(0, parenDepth - 1);
        take(1);
      } else if (c == ';' && parenDepth == 0 && beginDepth == 0) {
        take(1);
        finishStatement();
      } else if (Character.isLetter(c) || c == '_') {
        word();
      } else {
        take(1);
      }
    }
    if (!buffer.toString().isBlank()) {
      finishStatement();
    }
  }

  /** Tracks psql's heuristic for BEGIN ATOMIC bodies: words of CREATE [OR REPLACE] FUNCTION|PROCEDURE. */
  private void word() {
    int end = pos;
    while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_'
        || text.charAt(end) == '$')) {
      end++;
    }
    String word = text.substring(pos, end).toLowerCase(Locale.ROOT);
    if (leadingWords.size() < 4) {
      leadingWords.add(word);
    }
    if (createsRoutine() && parenDepth == 0) {
      switch (word) {
        case "begin" -> beginDepth++;
        case "case" -> beginDepth += beginDepth >= 1 ? 1 : 0;
        case "end" -> beginDepth = Math.max(0, beginDepth - 1);
        default -> { }
      }
    }
    take(end - pos);
  }

  private boolean createsRoutine() {
    List<String> w = leadingWords;
    if (w.size() < 2 || !w.get(0).equals("create")) {
      return false;
    }
    if (w.get(1).equals("function") || w.get(1).equals("procedure")) {
      return true;
    }
    return w.size() >= 4 && w.get(1).equals("or") && w.get(2).equals("replace")
        && (w.get(3).equals("function") || w.get(3).equals("procedure"));
  }

  private void skipLineComment() {
    int end = text.indexOf('\n', pos);
    int stop = end < 0 ? text.length() : end;
    if (buffer.isEmpty()) {
      advance(stop - pos);
    } else {
      take(stop - pos);
    }
  }

  private void collectBlockComment() {
    ScriptItem.Position opened = here();
    int depth = 0;
    do {
      if (text.startsWith("/*", pos)) {
        depth++;
        take(2);
      } else if (text.startsWith("*/", pos)) {
        depth--;
        take(2);
      } else if (pos >= text.length()) {
        throw unterminated("comment", opened);
      } else {
        take(1);
      }
    } while (depth > 0);
  }

  private void collectQuoted(char quote, boolean backslashEscapes) {
    ScriptItem.Position opened = here();
    take(1);
    while (true) {
      if (pos >= text.length()) {
        throw unterminated(quote == '"' ? "quoted identifier" : "string", opened);
      }
      char c = text.charAt(pos);
      if (backslashEscapes && c == '\\' && pos + 1 < text.length()) {
        take(2);
      } else if (c == quote && peek(1) == quote) {
        take(2);
      } else if (c == quote) {
        take(1);
        return;
      } else {
        take(1);
      }
    }
  }

  /** The tag at {@code pos} if a dollar quote opens there: {@code $$} or {@code $name$}, name not starting with a digit. */
  private Optional<String> dollarTag() {
    int end = pos + 1;
    if (end < text.length() && Character.isDigit(text.charAt(end))) {
      return Optional.empty();
    }
    while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
      end++;
    }
    return end < text.length() && text.charAt(end) == '$' ? Optional.of(text.substring(pos, end + 1)) : Optional.empty();
  }

  private void collectDollarQuoted(String tag) {
    ScriptItem.Position opened = here();
    int close = text.indexOf(tag, pos + tag.length());
    if (close < 0) {
      throw unterminated("dollar-quoted string " + tag, opened);
    }
    take(close + tag.length() - pos);
  }

  private boolean identifierCharBefore() {
    if (pos == 0) {
      return false;
    }
    char before = text.charAt(pos - 1);
    return Character.isLetterOrDigit(before) || before == '_' || before == '$';
  }

  private void metaCommand() {
    ScriptItem.Position at = here();
    int end = text.indexOf('\n', pos);
    int stop = end < 0 ? text.length() : end;
    String command = text.substring(pos + 1, stop).strip();
    advance(stop - pos);
    if (command.isEmpty()) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "line " + at.line() + ": a backslash without a meta-command");
    }
    List<MetaArguments.Word> words;
    try {
      words = MetaArguments.split(command, this::variableForArgument);
    } catch (TaidonException refused) {
      throw new TaidonException(refused.code(), "line " + at.line() + ": " + refused.getMessage() + " in \\"
          + command.split("\\s", 2)[0], refused.details(), refused);
    }
    String name = words.getFirst().text();
    if (name.equals("g") || name.equals(";")) {
      if (!buffer.toString().isBlank()) {
        finishStatement();
      }
      return;
    }
    List<String> arguments = words.subList(1, words.size()).stream().map(word -> switch (name) {
      // psql reads a database name as an identifier that keeps its case, a file name without
      // the semicolons that end the line.
      case "c", "connect" -> word.asName();
      case "i", "include", "ir", "include_relative" -> word.withoutTrailingSemicolons();
      default -> word.text();
    }).toList();
    if (context != null && applyInContext(name, arguments, at)) {
      return;
    }
    items.add(new ScriptItem.MetaCommand(name, arguments, at, source));
  }

  /**
   * Applies {@code \set}, {@code \\unset}, {@code \i} and {@code \ir} to the context; returns
   * whether the command was an include, whose items replace it.
   */
  private boolean applyInContext(String name, List<String> arguments, ScriptItem.Position at) {
    switch (name) {
      case "set" -> {
        if (!arguments.isEmpty()) {
          String value = String.join("", arguments.subList(1, arguments.size()));
          context.expanded(value.length());
          context.set(arguments.getFirst(), value);
        }
      }
      case "unset" -> {
        if (!arguments.isEmpty()) {
          context.unset(arguments.getFirst());
        }
      }
      case "i", "include", "ir", "include_relative" -> {
        if (context.includes().isEmpty()) {
          return false;
        }
        // The file's name is put in front by parse(), as for every error of this file.
        String where = "line " + at.line() + ": \\" + name;
        if (arguments.size() != 1) {
          throw new TaidonException(ErrorCode.INVALID_ARGUMENT, where + " takes one file name");
        }
        if (depth + 1 > ScriptContext.MAX_INCLUDE_DEPTH) {
          throw new TaidonException(ErrorCode.INVALID_ARGUMENT, where + " " + arguments.getFirst()
              + ": includes nest deeper than " + ScriptContext.MAX_INCLUDE_DEPTH + " levels; does a file include itself?");
        }
        boolean relative = name.startsWith("ir") || name.equals("include_relative");
        ScriptContext.Included included;
        try {
          included = context.includes().get().resolve(source, arguments.getFirst(), relative);
        } catch (TaidonException refused) {
          throw new TaidonException(refused.code(), where + " " + arguments.getFirst() + ": " + refused.getMessage(),
              refused.details(), refused);
        }
        items.addAll(parse(included.text(), included.source(), context, depth + 1));
        return true;
      }
      default -> { }
    }
    return false;
  }

  /**
   * At a colon outside quotes: a variable reference psql would replace. Returns false, changing
   * nothing, when it is none (a cast {@code ::}, an undefined variable, a lone colon).
   */
  private boolean substitute() {
    if (peek(1) == ':') {
      take(2);
      return true;
    }
    char quote = peek(1);
    int nameStart = quote == '\'' || quote == '"' ? pos + 2 : pos + 1;
    int nameEnd = nameStart;
    while (nameEnd < text.length() && MetaArguments.isVariableChar(text.charAt(nameEnd))) {
      nameEnd++;
    }
    if (nameEnd == nameStart) {
      return false;
    }
    boolean quoted = quote == '\'' || quote == '"';
    if (quoted && (nameEnd >= text.length() || text.charAt(nameEnd) != quote)) {
      return false;
    }
    java.util.Optional<String> value = context.variable(text.substring(nameStart, nameEnd));
    if (value.isEmpty()) {
      return false;
    }
    String replacement = quote == '\'' ? literal(value.get()) : quote == '"' ? identifier(value.get()) : value.get();
    context.expanded(replacement.length());
    if (buffer.isEmpty()) {
      start = here();
    }
    segments.add(new ScriptItem.Segment(buffer.length(), here()));
    buffer.append(replacement);
    advance((quoted ? nameEnd + 1 : nameEnd) - pos);
    takenUntil = -1;
    return true;
  }

  /** A variable's value for substitution in a meta-command's arguments; none without a context. */
  private Optional<String> variableForArgument(String name) {
    if (context == null) {
      return Optional.empty();
    }
    Optional<String> value = context.variable(name);
    value.ifPresent(substituted -> context.expanded(substituted.length()));
    return value;
  }

  /**
   * What psql's {@code :'name'} makes of a value: a string literal, E'' when it holds backslashes, so
   * it means the same whatever {@code standard_conforming_strings} says; libpq puts a space before
   * the E, so that a literal following a word stays apart from it, and so does this.
   */
  public static String literal(String value) {
    String quoted = value.replace("'", "''");
    return value.contains("\\") ? " E'" + quoted.replace("\\", "\\\\") + "'" : "'" + quoted + "'";
  }

  static String identifier(String value) {
    return "\"" + value.replace("\"", "\"\"") + "\"";
  }

  private void finishStatement() {
    String sql = buffer.toString().strip();
    ScriptItem.Position at = start;
    List<ScriptItem.Segment> pieces = List.copyOf(segments);
    resetStatement();
    if (sql.equals(";") || sql.isEmpty()) {
      return;
    }
    Optional<List<String>> copyData = Optional.empty();
    if (COPY_FROM_STDIN.matcher(withoutComments(sql)).matches()) {
      copyData = Optional.of(copyData(at));
    }
    items.add(new ScriptItem.Statement(sql, at, copyData, pieces, source));
  }

  /** The lines after the COPY statement's line, up to a line that is exactly {@code \.}. */
  private List<String> copyData(ScriptItem.Position statement) {
    int lineEnd = text.indexOf('\n', pos);
    if (lineEnd < 0) {
      throw unterminated("COPY data (a line \\. must end it)", statement);
    }
    advance(lineEnd + 1 - pos);
    List<String> data = new ArrayList<>();
    while (true) {
      if (pos >= text.length()) {
        throw unterminated("COPY data (a line \\. must end it)", statement);
      }
      int next = text.indexOf('\n', pos);
      int stop = next < 0 ? text.length() : next;
      String row = text.substring(pos, stop);
      if (row.endsWith("\r")) {
        row = row.substring(0, row.length() - 1);
      }
      advance((next < 0 ? stop : next + 1) - pos);
      if (row.equals("\\.")) {
        return data;
      }
      data.add(row);
    }
  }

  private static String withoutComments(String sql) {
    return sql.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\\n]*", " ");
  }

  private void resetStatement() {
    buffer.setLength(0);
    start = null;
    parenDepth = 0;
    beginDepth = 0;
    leadingWords.clear();
    segments.clear();
    takenUntil = -1;
  }

  private void take(int count) {
    if (buffer.isEmpty()) {
      start = here();
    }
    if (pos != takenUntil) {
      segments.add(new ScriptItem.Segment(buffer.length(), here()));
    }
    takenUntil = pos + count;
    buffer.append(text, pos, pos + count);
    advance(count);
  }

  private void advance(int count) {
    for (int i = 0; i < count; i++) {
      if (text.charAt(pos) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
      pos++;
    }
  }

  private char peek(int offset) {
    return pos + offset < text.length() ? text.charAt(pos + offset) : '\0';
  }

  private ScriptItem.Position here() {
    return new ScriptItem.Position(line, column);
  }

  private static TaidonException unterminated(String what, ScriptItem.Position opened) {
    return new TaidonException(ErrorCode.INVALID_ARGUMENT, "unterminated " + what + " starting at line " + opened.line()
        + ", column " + opened.column());
  }
}
