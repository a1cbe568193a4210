package dev.taidon.sqlrunner.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Meta-command arguments read as psql's backslash lexer reads them (psqlscanslash.l). */
class MetaArgumentsTest {
  private static final Map<String, String> VARIABLES = Map.of("a", "one", "q", "it's", "s", "b\\c");

  private static List<String> words(String line) {
    return MetaArguments.split(line, name -> Optional.ofNullable(VARIABLES.get(name))).stream()
        .map(MetaArguments.Word::text).toList();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "set x 1                  | set,x,1",
      "set x 'a b'              | set,x,a b",
      "set x 'it''s'            | set,x,it's",
      "set x a'b c'd            | set,x,ab cd",
      "set x \"a b\"            | set,x,\"a b\"",
      "set x :a:a               | set,x,oneone",
      "set x y:a                | set,x,yone",
      "set x ':a'               | set,x,:a",
      "set x :'a'               | set,x,'one'",
      "set x :'q'               | set,x,'it''s'",
      "set x :'s'               | set,x, E'b\\\\c'",
      "set x :\"a\"             | set,x,\"one\"",
      "set x :nope              | set,x,:nope",
      "set x :'nope'            | set,x,:'nope'",
      "set x :{?a}:{?nope}      | set,x,TRUEFALSE",
      "set x :                  | set,x,:",
      "set x ::a                | set,x,:one",
  })
  void readsArgumentsAsPsqlDoes(String line, String expected) {
    List<String> expectedWords = List.of(expected.strip().split(",", -1));
    assertThat(words(line.strip())).as("the words of \\%s", line.strip())
        .containsExactlyElementsOf(expectedWords);
  }

  @org.junit.jupiter.api.Test
  void backticksArePlainTextNotAShellCommand() {
    assertThat(words("set x `date`")).containsExactly("set", "x", "`date`");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "'a\\nb'      | 10",
      "'a\\tb'      | 9",
      "'\\101'      | 65",
      "'\\x41'      | 65",
      "'\\q'        | 113",
  })
  void singleQuotedTextTakesPsqlsBackslashEscapes(String argument, int code) {
    String word = words("echo " + argument.strip()).get(1);
    assertThat(word.codePoints().anyMatch(point -> point == code)).as("%s read as %s", argument, word).isTrue();
    assertThat(word).doesNotContain("\\");
  }

  @ParameterizedTest
  @ValueSource(strings = {"echo 'open", "echo \"open", "echo 'a''", "set x :'a"})
  void aQuoteLeftOpenIsRefused(String line) {
    assertThatThrownBy(() -> words(line)).isInstanceOfSatisfying(TaidonException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT)).hasMessageContaining("unterminated");
  }

  /** psql reads {@code \c}'s database name as an identifier keeping its case, {@code \i}'s file name as it is. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "c chinook;           | chinook",
      "c chinook;;          | chinook",
      "c 'chinook;'         | chinook;",
      "c \"My DB\"          | My DB",
      "c \"My \"\"DB\"\"\"  | My \"DB\"",
      "c Chinook            | Chinook",
      "i file.sql;          | file.sql",
      "i 'file.sql;'        | file.sql;",
      "i 'a b.sql'          | a b.sql",
      "i \"a b.sql\"        | \"a b.sql\"",
  })
  void namesLoseOnlyUnquotedTrailingSemicolonsAsInPsql(String line, String name) {
    MetaArguments.Word word = MetaArguments.split(line.strip(), ignored -> Optional.empty()).get(1);
    String read = line.startsWith("c ") ? word.asName() : word.withoutTrailingSemicolons();
    assertThat(read).as("the name given by \\%s", line.strip()).isEqualTo(name.strip());
  }
}
