package dev.taidon.sqlrunner.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScriptParserTest {

  private static List<String> statements(String text) {
    return ScriptParser.parse(text).stream()
        .filter(item -> item instanceof ScriptItem.Statement)
        .map(item -> ((ScriptItem.Statement) item).sql())
        .toList();
  }

  @Test
  void splitsOnSemicolonsOutsideQuotesAndComments() {
    assertThat(statements("SELECT 1; SELECT 'a;b' AS \"x;y\"; SELECT E'it\\'s; fine' -- c;\n; SELECT 2"))
        .containsExactly("SELECT 1;", "SELECT 'a;b' AS \"x;y\";", "SELECT E'it\\'s; fine' -- c;\n;", "SELECT 2");
  }

  @Test
  void dropsLeadingWhitespaceAndLineCommentsButKeepsBlockComments() {
    assertThat(statements("\n  -- about the next one\n  /* kept */ SELECT 1;;  ;"))
        .containsExactly("/* kept */ SELECT 1;");
  }

  @Test
  void blockCommentsNest() {
    assertThat(statements("/* a /* b ; */ c ; */ SELECT 3; SELECT 4;"))
        .containsExactly("/* a /* b ; */ c ; */ SELECT 3;", "SELECT 4;");
  }

  @Test
  void dollarQuotesWithAndWithoutTags() {
    assertThat(statements("DO $body$ BEGIN RAISE NOTICE 'x;y'; END $body$; SELECT $$a;b$$, $q$ $$ ; $q$; SELECT $1;"))
        .containsExactly("DO $body$ BEGIN RAISE NOTICE 'x;y'; END $body$;", "SELECT $$a;b$$, $q$ $$ ; $q$;", "SELECT $1;");
  }

  @Test
  void dollarSignsInsideIdentifiersAreNotQuotes() {
    assertThat(statements("SELECT a$b$c FROM t; SELECT 1;")).containsExactly("SELECT a$b$c FROM t;", "SELECT 1;");
  }

  @Test
  void beginAtomicBodiesOfFunctionsAndProceduresKeepTheirSemicolons() {
    String function = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;";
    String procedure = "create or replace procedure p() language sql begin atomic "
        + "insert into t values (case when true then 1 end); select case when true then 1 else 2 end; end;";
    assertThat(statements(function + "\n" + procedure + " BEGIN; COMMIT;"))
        .containsExactly(function, procedure, "BEGIN;", "COMMIT;");
  }

  @Test
  void semicolonsInsideParenthesesDoNotSplit() {
    assertThat(statements("SELECT (1; 2); SELECT 3;")).containsExactly("SELECT (1; 2);", "SELECT 3;");
  }

  @Test
  void copyFromStdinTakesTheFollowingLinesAsData() {
    List<ScriptItem> items = ScriptParser.parse("CREATE TABLE c (a int, b text);\nCOPY c (a, b) FROM stdin;\n"
        + "1\tx;y\n2\t\\N\n\\.\nSELECT count(*) FROM c;\n");
    assertThat(items).hasSize(3);
    ScriptItem.Statement copy = (ScriptItem.Statement) items.get(1);
    assertThat(copy.sql()).isEqualTo("COPY c (a, b) FROM stdin;");
    assertThat(copy.copyData()).contains(List.of("1\tx;y", "2\t\\N"));
    assertThat(copy.position()).isEqualTo(new ScriptItem.Position(2, 1));
    assertThat(((ScriptItem.Statement) items.get(2)).position()).isEqualTo(new ScriptItem.Position(6, 1));
    assertThat(((ScriptItem.Statement) items.get(0)).copyData()).isEmpty();
  }

  @Test
  void metaCommandsRunToTheEndOfTheirLine() {
    List<ScriptItem> items = ScriptParser.parse("CREATE DATABASE chinook;\n\\c chinook\n\\set name 'Ada Lovelace'\n"
        + "SELECT :'name';\n\\i 'other file.sql'\nSELECT 1 \\g\n");
    assertThat(items).containsExactly(
        new ScriptItem.Statement("CREATE DATABASE chinook;", new ScriptItem.Position(1, 1), java.util.Optional.empty()),
        new ScriptItem.MetaCommand("c", List.of("chinook"), new ScriptItem.Position(2, 1)),
        new ScriptItem.MetaCommand("set", List.of("name", "Ada Lovelace"), new ScriptItem.Position(3, 1)),
        new ScriptItem.Statement("SELECT :'name';", new ScriptItem.Position(4, 1), java.util.Optional.empty()),
        new ScriptItem.MetaCommand("i", List.of("other file.sql"), new ScriptItem.Position(5, 1)),
        new ScriptItem.Statement("SELECT 1", new ScriptItem.Position(6, 1), java.util.Optional.empty()));
  }

  @Test
  void everyStatementKnowsItsLineAndColumn() {
    List<ScriptItem> items = ScriptParser.parse("SELECT 1;   SELECT\n  2;\n\n\t-- x\n  SELECT 3");
    assertThat(items).extracting(ScriptItem::position).containsExactly(
        new ScriptItem.Position(1, 1), new ScriptItem.Position(1, 13), new ScriptItem.Position(5, 3));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "SELECT 'open                 | unterminated string starting at line 1, column 8",
      "SELECT \"open                | unterminated quoted identifier starting at line 1, column 8",
      "SELECT 1;\\nSELECT $x$ open     | unterminated dollar-quoted string $x$ starting at line 2, column 8",
      "/* open /* nested */         | unterminated comment starting at line 1, column 1",
      "SELECT E'a\\'                 | unterminated string starting at line 1, column 9",
      "COPY t FROM stdin;\\n1\\n2    | unterminated COPY data",
      "SELECT 1;\\n\\               | a backslash without a meta-command",
  })
  void brokenScriptsAreClearErrorsThatSayWhere(String script, String message) {
    assertThatThrownBy(() -> ScriptParser.parse(script.replace("\\n", "\n")))
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining(message.strip());
  }

  @Test
  void refusesOversizedScripts() {
    String huge = "x".repeat(ScriptParser.MAX_CHARS + 1);
    assertThatThrownBy(() -> ScriptParser.parse(huge))
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE));
  }

  @Test
  void emptyAndCommentOnlyInputHasNoStatements() {
    assertThat(ScriptParser.parse("")).isEmpty();
    assertThat(ScriptParser.parse("  -- nothing\n\n")).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void positionsInsideAStatementMapBackThroughTheLinesPsqlDrops() {
    String cell = "SELECT 1,\n\n   -- still the same statement\n\n  2 +\n\n\tnosuch;";
    ScriptItem.Statement statement = (ScriptItem.Statement) ScriptParser.parse(cell).getFirst();
    int offset = statement.sql().indexOf("nosuch");
    assertThat(statement.positionAt(offset)).as("in %s", statement.sql()).isEqualTo(new ScriptItem.Position(7, 2));
    assertThat(statement.positionAt(0)).isEqualTo(new ScriptItem.Position(1, 1));
    assertThat(statement.positionAt(statement.sql().indexOf("2 +"))).isEqualTo(new ScriptItem.Position(5, 3));
  }
}
