package dev.taidon.sqlrunner.script;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What psql's lexer carries from one statement to the next: variables ({@code \set}, {@code :name}
 * substitution) and, for project scripts, the files {@code \i} and {@code \ir} may include. One
 * context spans the steps of a chain in order, as one psql session would.
 */
public final class ScriptContext {
  /** Includes nested deeper than this are refused: a script including itself would never end. */
  static final int MAX_INCLUDE_DEPTH = 16;

  /**
   * The most characters variable substitution may add over a context's life: psql's {@code \set}
   * joins its arguments, so a few lines that each double a value would otherwise fill any memory.
   */
  static final long MAX_EXPANDED_CHARS = 16L * 1024 * 1024;

  private final Map<String, String> variables = new HashMap<>();
  private long expandedChars;
  private final Optional<IncludeResolver> includes;
  private final List<String> texts = new ArrayList<>();

  /** Reads the file a script includes. */
  public interface IncludeResolver {
    /**
     * @param from the file that includes (a path in the project)
     * @param path the path as written after {@code \i} or {@code \ir}
     * @param relative {@code \ir}: relative to {@code from}'s directory; {@code \i}: to the project root
     * @throws TaidonException {@code NOT_FOUND} or {@code INVALID_ARGUMENT} saying why; the parser
     *     adds the file, line and command
     */
    Included resolve(String from, String path, boolean relative);
  }

  /** An included file: its path in the project and its text. */
  public record Included(String source, String text) {}

  private ScriptContext(Optional<IncludeResolver> includes) {
    this.includes = includes;
  }

  /** A context for worksheet cells: variables, no includes. */
  public static ScriptContext forCells() {
    return new ScriptContext(Optional.empty());
  }

  /** A context for a project's scripts, which may include other files of the project. */
  public static ScriptContext forProject(IncludeResolver includes) {
    return new ScriptContext(Optional.of(includes));
  }

  Optional<String> variable(String name) {
    return Optional.ofNullable(variables.get(name));
  }

  void set(String name, String value) {
    variables.put(name, value);
  }

  /**
   * Counts characters that substitution adds (a value set, a reference replaced).
   *
   * @throws TaidonException {@code PAYLOAD_TOO_LARGE} once they pass {@link #MAX_EXPANDED_CHARS}
   */
  void expanded(int chars) {
    expandedChars += chars;
    if (expandedChars > MAX_EXPANDED_CHARS) {
      throw new TaidonException(ErrorCode.PAYLOAD_TOO_LARGE, "variables expand the script beyond "
          + MAX_EXPANDED_CHARS + " characters; is a variable doubled by \\set or used over and over?",
          Map.of("limit", MAX_EXPANDED_CHARS), null);
    }
  }

  void unset(String name) {
    variables.remove(name);
  }

  Optional<IncludeResolver> includes() {
    return includes;
  }

  void parsed(String text) {
    texts.add(text);
  }

  /** Every text parsed in this context so far, includes in the order they were read: what a step's digest covers. */
  public List<String> texts() {
    return Collections.unmodifiableList(texts);
  }

  public Map<String, String> variables() {
    return Collections.unmodifiableMap(variables);
  }
}
