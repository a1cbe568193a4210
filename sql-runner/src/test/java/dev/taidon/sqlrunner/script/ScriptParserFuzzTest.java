package dev.taidon.sqlrunner.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scripts built at random from the pieces that make psql's lexer hard (quotes of every kind,
 * nested comments, dollar tags, meta-commands, COPY data, variables, includes), and hostile
 * extremes: the parser either returns items whose positions lie inside the script, or refuses with
 * a typed error that says why. Nothing else: no other exception, no endless loop, no memory blow-up.
 */
class ScriptParserFuzzTest {
  private static final List<String> PIECES = List.of("SELECT 1", ";", ";", " ", "\n", "\n", "\t", "'", "''", "\"",
      "\"\"", "E'", "\\'", "\\\\", "$$", "$a$", "$a", "a$", "$1", "/*", "*/", "--", "-- c\n", "(", ")", "BEGIN ATOMIC",
      "END", "CREATE FUNCTION f() RETURNS int LANGUAGE sql", "\\c db\n", "\\set v 'x'\n", ":v", ":'v'", ":\"v\"",
      "\\echo hi\n", "\\i inc.sql\n", "\\ir inc.sql\n", "\\", "\\.\n", "COPY t FROM stdin;\n", "1\t2\n", "\r\n",
      "\u00e9", "\uD83D\uDE00", "\u0000", "U&'", "B'", "X'", "::", ":=", "$tag$", "$tag", "\\if true\n", "\\unset v\n",
      "\\gset\n", "\\g\n", ";;", "e'\\\\''", "\\set w :v:v\n");

  private static final Set<ErrorCode> REFUSALS = Set.of(ErrorCode.INVALID_ARGUMENT, ErrorCode.PAYLOAD_TOO_LARGE,
      ErrorCode.NOT_FOUND);

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void randomScriptsParseOrAreRefusedWithATypedError(long seed) {
    Random random = new Random(seed);
    for (int round = 0; round < 5_000; round++) {
      StringBuilder script = new StringBuilder();
      int pieces = 1 + random.nextInt(40);
      for (int i = 0; i < pieces; i++) {
        script.append(PIECES.get(random.nextInt(PIECES.size())));
      }
      String text = script.toString();
      checkParses(text, round % 2 == 0 ? ScriptContext.forCells() : projectContext(), "seed " + seed + " round " + round);
    }
  }

  @Test
  void extremeNestingAndRepetitionAreHandledWithoutRecursionOrBlowUp() {
    int many = 200_000;
    checkParses("/*".repeat(many), ScriptContext.forCells(), "deeply nested open comments");
    checkParses("/*".repeat(many) + "*/".repeat(many) + "SELECT 1;", ScriptContext.forCells(), "deeply nested comments");
    checkParses("SELECT " + "(".repeat(many) + "1" + ")".repeat(many) + ";", ScriptContext.forCells(), "deep parentheses");
    checkParses(";".repeat(many), ScriptContext.forCells(), "only semicolons");
    checkParses("SELECT 1;".repeat(many), ScriptContext.forCells(), "many statements");
    checkParses("\n".repeat(many) + "SELECT 'x", ScriptContext.forCells(), "an error far down");
    checkParses("$a$".repeat(many), ScriptContext.forCells(), "dollar tags back to back");
    checkParses("\\echo x\n".repeat(many), ScriptContext.forCells(), "many meta-commands");
    checkParses("COPY t FROM stdin;\n" + "1\n".repeat(many), ScriptContext.forCells(), "COPY data without its end");
  }

  @Test
  void variablesThatDoubleOnEverySetCannotExhaustMemory() {
    // \set joins its arguments, each of which may be a variable: every line doubles the value.
    StringBuilder bomb = new StringBuilder("\\set v0 'xxxxxxxxxxxxxxxx'\n");
    for (int i = 1; i <= 40; i++) {
      bomb.append("\\set v").append(i).append(" :v").append(i - 1).append(" :v").append(i - 1).append('\n');
    }
    bomb.append("SELECT :'v40';\n");
    assertThatThrownBy(() -> ScriptParser.parse(bomb.toString(), "", ScriptContext.forCells()))
        .as("a variable doubled forty times (16 TiB of text)")
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE))
        .hasMessageContaining("variable");
  }

  @Test
  void aLargeVariableUsedOverAndOverCannotExhaustMemory() {
    String script = "\\set big '" + "x".repeat(1 << 20) + "'\nSELECT " + ":big || ".repeat(20_000) + "'';\n";
    assertThatThrownBy(() -> ScriptParser.parse(script, "", ScriptContext.forCells()))
        .as("a 1 MiB variable used 20,000 times in one statement (20 GiB of text)")
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE))
        .hasMessageContaining("variable");
  }

  @Test
  void includesThatIncludeThemselvesAreRefusedNotFollowedForever() {
    ScriptContext context = ScriptContext.forProject((from, path, relative) -> new ScriptContext.Included(path,
        "SELECT 1;\n\\i " + path + "\n"));
    assertThatThrownBy(() -> ScriptParser.parse("\\i loop.sql\n", "main.sql", context))
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(REFUSALS).contains(e.code()));
    ScriptContext fanOut = ScriptContext.forProject((from, path, relative) -> new ScriptContext.Included(path,
        "SELECT 1;\n" + "\\i again.sql\n".repeat(10)));
    checkParses("\\i again.sql\n", fanOut, "an include that includes another ten times, at every level");
  }

  private static ScriptContext projectContext() {
    Map<String, String> files = Map.of("/inc.sql", "SELECT 2;\n", "/inc2.sql", "SELECT 'open");
    return ScriptContext.forProject((from, path, relative) -> {
      String text = files.get("/" + path);
      if (text == null) {
        throw new TaidonException(ErrorCode.NOT_FOUND, "no file " + path);
      }
      return new ScriptContext.Included(path, text);
    });
  }

  private static void checkParses(String text, ScriptContext context, String what) {
    List<ScriptItem> items;
    try {
      items = ScriptParser.parse(text, "", context);
    } catch (TaidonException refused) {
      assertThat(REFUSALS).as("the error's code for %s: %s", what, refused.getMessage()).contains(refused.code());
      assertThat(refused.getMessage()).as("the refusal of %s explains itself", what).isNotBlank();
      return;
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError unexpected) {
      fail("parsing " + what + " threw " + unexpected + " for the script: "
          + (text.length() > 300 ? text.substring(0, 300) + "…" : text), unexpected);
      return;
    }
    long lines = text.lines().count() + 1;
    for (ScriptItem item : items) {
      if (!item.source().isEmpty()) {
        continue; // an included file's item stands in that file
      }
      assertThat(item.position().line()).as("line of an item of %s", what).isBetween(1, (int) Math.min(lines, Integer.MAX_VALUE));
      assertThat(item.position().column()).as("column of an item of %s", what).isPositive();
      if (item instanceof ScriptItem.Statement statement) {
        assertThat(statement.sql()).as("a statement of %s", what).isNotBlank();
      }
    }
  }
}
