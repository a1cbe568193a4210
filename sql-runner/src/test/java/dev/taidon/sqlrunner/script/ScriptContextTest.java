package dev.taidon.sqlrunner.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** psql variables and includes, as the lexer applies them. */
class ScriptContextTest {

  private static List<String> statements(List<ScriptItem> items) {
    return items.stream().filter(ScriptItem.Statement.class::isInstance).map(item -> ((ScriptItem.Statement) item).sql())
        .toList();
  }

  @Test
  void variablesAreSubstitutedAsValuesLiteralsAndIdentifiersOutsideQuotes() {
    ScriptContext context = ScriptContext.forCells();
    List<ScriptItem> items = ScriptParser.parse("""
        \\set n 42
        \\set name 'O''Brien'
        \\set tbl 'my table'
        SELECT :n, :'name', ':n', $$:n$$, 1::int, :"tbl".x, :undefined -- :n
        FROM :"tbl";""", "", context);
    assertThat(statements(items)).containsExactly(
        "SELECT 42, 'O''Brien', ':n', $$:n$$, 1::int, \"my table\".x, :undefined -- :n\nFROM \"my table\";");
    assertThat(context.variables()).containsEntry("n", "42").containsEntry("name", "O'Brien");
  }

  @Test
  void aVariableSetInOneCellHoldsInTheNextAndUnsetRemovesIt() {
    ScriptContext context = ScriptContext.forCells();
    ScriptParser.parse("\\set greeting hello", "", context);
    assertThat(statements(ScriptParser.parse("SELECT :'greeting'", "", context))).containsExactly("SELECT 'hello'");
    ScriptParser.parse("\\unset greeting", "", context);
    assertThat(statements(ScriptParser.parse("SELECT :'greeting'", "", context))).containsExactly("SELECT :'greeting'");
  }

  @Test
  void backslashesInAQuotedValueMakeAnEscapeStringLiteral() {
    assertThat(ScriptParser.literal("a\\b'c")).isEqualTo(" E'a\\\\b''c'");
    assertThat(ScriptParser.identifier("we\"ird")).isEqualTo("\"we\"\"ird\"");
  }

  @Test
  void includesAreExpandedInPlaceRelativeToTheProjectOrTheIncludingFile() {
    Map<String, String> files = Map.of("init/01.sql", "\\i lib/make.sql\n\\ir local.sql\nSELECT 3;",
        "lib/make.sql", "SELECT 1;", "init/local.sql", "SELECT 2;\n\\set x 7");
    ScriptContext context = ScriptContext.forProject((from, path, relative) -> {
      String resolved = relative ? from.substring(0, from.lastIndexOf('/') + 1) + path : path;
      return new ScriptContext.Included(resolved, files.get(resolved));
    });
    List<ScriptItem> items = ScriptParser.parse(files.get("init/01.sql") + "\nSELECT :x;", "init/01.sql", context);
    assertThat(statements(items)).containsExactly("SELECT 1;", "SELECT 2;", "SELECT 3;", "SELECT 7;");
    assertThat(items.stream().map(ScriptItem::source).distinct().toList())
        .containsExactly("lib/make.sql", "init/local.sql", "init/01.sql");
    assertThat(context.texts()).as("what the step's digest covers").hasSize(3);
  }

  @Test
  void aFileThatIncludesItselfIsRefusedNamingIt() {
    ScriptContext context = ScriptContext.forProject((from, path, relative) -> new ScriptContext.Included(path,
        "\\i loop.sql"));
    assertThatThrownBy(() -> ScriptParser.parse("\\i loop.sql", "main.sql", context))
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("loop.sql: line 1: \\i loop.sql").hasMessageContaining("deeper than");
  }

  @Test
  void anIncludeThatCannotBeReadIsRefusedNamingTheFileAndLineThatAskedForIt() {
    ScriptContext context = ScriptContext.forProject((from, path, relative) -> {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "the project has no file " + path);
    });
    assertThatThrownBy(() -> ScriptParser.parse("SELECT 1;\n\n\\ir missing.sql\n", "seed/01.sql", context))
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessage("seed/01.sql: line 3: \\ir missing.sql: the project has no file missing.sql");
    assertThatThrownBy(() -> ScriptParser.parse("\\i a.sql b.sql", "init/x.sql", context))
        .hasMessage("init/x.sql: line 1: \\i takes one file name");
  }

  @Test
  void withoutAContextNothingIsSubstitutedOrIncluded() {
    List<ScriptItem> items = ScriptParser.parse("\\set x 1\nSELECT :x;\n\\i other.sql");
    assertThat(statements(items)).containsExactly("SELECT :x;");
    assertThat(items).filteredOn(ScriptItem.MetaCommand.class::isInstance).hasSize(2);
  }
}
