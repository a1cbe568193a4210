package dev.taidon.sqlrunner.script;

import java.util.ArrayList;
import java.util.List;

/** Splits a meta-command line into words as psql does: whitespace separates, quotes group. */
final class MetaArguments {
  private MetaArguments() {}

  static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    char quote = 0;
    boolean inWord = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote && i + 1 < line.length() && line.charAt(i + 1) == quote) {
          word.append(c);
          i++;
        } else if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
