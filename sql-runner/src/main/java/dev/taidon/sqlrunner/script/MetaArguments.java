package dev.taidon.sqlrunner.script;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads a meta-command line into words as psql's backslash lexer does for ordinary arguments:
 * whitespace outside quotes separates words; {@code '…'} groups with {@code ''} and psql's
 * backslash escapes ({@code \n}, {@code \t}, {@code \b}, {@code \r}, {@code \f}, octal, hex, any
 * other character for itself); {@code "…"} groups and keeps its quotes; outside quotes
 * {@code :name}, {@code :'name'}, {@code :"name"} and {@code :{?name}} are replaced anywhere in a
 * word (a value as it is, quoted as a literal, quoted as an identifier, whether it is set), and an
 * unset variable stays as written. Backticks, which would run a shell command, are plain text.
 */
final class MetaArguments {
  private MetaArguments() {}

  /**
   * One argument.
   *
   * @param text the argument after quotes, escapes and substitution
   * @param unquotedTail how many characters at its end no quote or substitution produced: psql
   *     strips semicolons there from file and database names ({@code \c chinook;})
   */
  record Word(String text, int unquotedTail) {
    /** The word without the unquoted semicolons at its end. */
    String withoutTrailingSemicolons() {
      int end = text.length();
      int strippable = unquotedTail;
      while (strippable-- > 0 && end > 0 && text.charAt(end - 1) == ';') {
        end--;
      }
      return text.substring(0, end);
    }

    /**
     * The word read as a name that keeps its case: double quotes removed, a doubled one inside
     * quotes kept once, as psql reads {@code \connect}'s database name.
     */
    String asName() {
      StringBuilder name = new StringBuilder();
      boolean quoted = false;
      String source = withoutTrailingSemicolons();
      for (int i = 0; i < source.length(); i++) {
        char c = source.charAt(i);
        if (c == '"') {
          if (quoted && i + 1 < source.length() && source.charAt(i + 1) == '"') {
            name.append('"');
            i++;
          } else {
            quoted = !quoted;
          }
        } else {
          name.append(c);
        }
      }
      return name.toString();
    }
  }

  /**
   * @param variables a variable's value by name, empty when it is not set (and always, where no
   *     substitution applies)
   * @throws TaidonException {@code INVALID_ARGUMENT} for a quote left open at the end of the line
   */
  static List<Word> split(String line, Function<String, Optional<String>> variables) {
    List<Word> words = new ArrayList<>();
    int at = 0;
    while (true) {
      while (at < line.length() && Character.isWhitespace(line.charAt(at))) {
        at++;
      }
      if (at >= line.length()) {
        return words;
      }
      StringBuilder word = new StringBuilder();
      int unquotedTail = 0;
      int consumed;
      while (at < line.length() && !Character.isWhitespace(line.charAt(at))) {
        char c = line.charAt(at);
        if (c == '\'') {
          at = singleQuoted(line, at + 1, word);
          unquotedTail = 0;
        } else if (c == '"') {
          int close = line.indexOf('"', at + 1);
          if (close < 0) {
            throw unterminated();
          }
          word.append(line, at, close + 1);
          at = close + 1;
          unquotedTail = 0;
        } else if (c == ':' && (consumed = substitution(line, at, word, variables)) > 0) {
          at += consumed;
          unquotedTail = 0;
        } else {
          word.append(c);
          at++;
          unquotedTail++;
        }
      }
      int nul = word.indexOf("\0");
      if (nul >= 0) {
        // An escape made a NUL byte, where psql's C string ends.
        word.setLength(nul);
        unquotedTail = 0;
      }
      words.add(new Word(word.toString(), unquotedTail));
    }
  }

  /** Appends a single-quoted piece's text (its opening quote already read); returns where it ends. */
  private static int singleQuoted(String line, int at, StringBuilder word) {
    while (at < line.length()) {
      char c = line.charAt(at);
      if (c == '\'') {
        if (at + 1 < line.length() && line.charAt(at + 1) == '\'') {
          word.append('\'');
          at += 2;
          continue;
        }
        return at + 1;
      }
      if (c != '\\' || at + 1 >= line.length()) {
        word.append(c);
        at++;
        continue;
      }
      char escaped = line.charAt(at + 1);
      int digits = 0;
      switch (escaped) {
        case 'n' -> word.append('\n');
        case 't' -> word.append('\t');
        case 'b' -> word.append('\b');
        case 'r' -> word.append('\r');
        case 'f' -> word.append('\f');
        case 'x' -> {
          while (digits < 2 && at + 2 + digits < line.length()
              && Character.digit(line.charAt(at + 2 + digits), 16) >= 0) {
            digits++;
          }
          word.append(digits == 0 ? 'x' : (char) Integer.parseInt(line.substring(at + 2, at + 2 + digits), 16));
        }
        default -> {
          if (escaped >= '0' && escaped <= '7') {
            digits = 1;
            while (digits < 3 && at + 1 + digits < line.length() && line.charAt(at + 1 + digits) >= '0'
                && line.charAt(at + 1 + digits) <= '7') {
              digits++;
            }
            word.append((char) (Integer.parseInt(line.substring(at + 1, at + 1 + digits), 8) & 0xFF));
            at += 1 + digits;
            continue;
          }
          word.append(escaped);
        }
      }
      at += 2 + digits;
    }
    throw unterminated();
  }

  /**
   * At a colon outside quotes: appends what psql would put in place of a variable reference
   * starting there and returns its length in the line, or returns 0 (appending nothing) when there
   * is none: no name after it, or {@code :'}/{@code :"} not closed right after the name. An unset
   * variable's reference is appended as written.
   */
  private static int substitution(String line, int at, StringBuilder word,
      Function<String, Optional<String>> variables) {
    char opening = at + 1 < line.length() ? line.charAt(at + 1) : 0;
    boolean test = opening == '{' && at + 2 < line.length() && line.charAt(at + 2) == '?';
    int nameStart = test ? at + 3 : opening == '\'' || opening == '"' ? at + 2 : at + 1;
    int nameEnd = nameStart;
    while (nameEnd < line.length() && isVariableChar(line.charAt(nameEnd))) {
      nameEnd++;
    }
    if (nameEnd == nameStart) {
      return 0;
    }
    char closing = test ? '}' : opening == '\'' || opening == '"' ? opening : 0;
    if (closing != 0 && (nameEnd >= line.length() || line.charAt(nameEnd) != closing)) {
      return 0;
    }
    int end = closing == 0 ? nameEnd : nameEnd + 1;
    Optional<String> value = variables.apply(line.substring(nameStart, nameEnd));
    if (test) {
      word.append(value.isPresent() ? "TRUE" : "FALSE");
    } else if (value.isEmpty()) {
      word.append(line, at, end);
    } else {
      word.append(switch (closing) {
        case '\'' -> ScriptParser.literal(value.get());
        case '"' -> ScriptParser.identifier(value.get());
        default -> value.get();
      });
    }
    return end - at;
  }

  /** psql's variable name characters: ASCII letters, digits and underscores, and anything beyond ASCII. */
  static boolean isVariableChar(char c) {
    return c >= 0x80 || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static TaidonException unterminated() {
    return new TaidonException(ErrorCode.INVALID_ARGUMENT, "unterminated quoted string");
  }
}
