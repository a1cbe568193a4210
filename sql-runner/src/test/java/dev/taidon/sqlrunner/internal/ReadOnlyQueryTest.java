package dev.taidon.sqlrunner.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.sqlrunner.script.ScriptContext;
import dev.taidon.sqlrunner.script.ScriptItem;
import dev.taidon.sqlrunner.script.ScriptParser;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadOnlyQueryTest {

  private static List<ScriptItem> parse(String sql) {
    return ReadOnlyQuery.parse(sql, ScriptContext.forCells(), 1000);
  }

  private static TaidonException refused(String sql) {
    try {
      parse(sql);
    } catch (TaidonException e) {
      assertThat(e.code()).as("refusal of %s", sql).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      return e;
    }
    throw new AssertionError("the query was not refused: " + sql);
  }

  @Test
  void queriesAndSavepointsPass() {
    assertThat(parse("SELECT 1; -- note\nSELECT 2")).hasSize(2);
    assertThat(parse("SAVEPOINT a; SELECT 1; ROLLBACK TO a; ROLLBACK WORK TO SAVEPOINT a; RELEASE a")).hasSize(5);
    assertThat(parse("SELECT 'COMMIT'; SELECT \"begin\" FROM t; EXPLAIN SELECT 1; PREPARE q AS SELECT 1; EXECUTE q"))
        .hasSize(5);
    assertThat(parse("DO $$ BEGIN PERFORM 1; END $$")).hasSize(1);
    assertThat(parse("\\echo hi\nSELECT 1")).hasSize(2);
  }

  @Test
  void transactionControlIsRefusedNamingTheLine() {
    TaidonException commit = refused("SELECT 1;\nCOMMIT; INSERT INTO t VALUES (1)");
    assertThat(commit.getMessage()).startsWith("line 2: COMMIT");
    assertThat(commit.details()).containsEntry("line", 2).containsEntry("column", 1);
    for (String sql : List.of("BEGIN", "begin read write", "START TRANSACTION", "END", "end transaction", "ROLLBACK",
        "ROLLBACK AND CHAIN", "rollback work", "ABORT", "COMMIT AND CHAIN", "PREPARE TRANSACTION 'x'",
        "COMMIT PREPARED 'x'", "ROLLBACK PREPARED 'x'", "/* hidden /* nested */ */ COMMIT", "-- first\n  commit;",
        "DISCARD ALL", "LOAD 'auto_explain'")) {
      refused(sql);
    }
  }

  @Test
  void variablesAreSubstitutedBeforeTheCheck() {
    ScriptContext context = ScriptContext.forCells();
    ScriptParser.parse("\\set verb COMMIT", "", context);
    assertThatThrownBy(() -> ReadOnlyQuery.parse(":verb", context, 1000)).hasMessageStartingWith("line 1: COMMIT");
  }

  @Test
  void metaCommandsOtherThanHarmlessOnesAreRefused() {
    assertThat(refused("SELECT 1;\n\\c postgres").getMessage()).startsWith("line 2: \\c is not available");
    refused("\\i other.sql");
    refused("\\copy t to 'file'");
    assertThat(parse("\\set x 1\n\\echo :x\n\\qecho done")).hasSize(3);
  }

  @Test
  void missingOversizedAndNulQueriesAreRefused() {
    refused("");
    refused("  \n ");
    assertThatThrownBy(() -> ReadOnlyQuery.parse(null, ScriptContext.forCells(), 10)).isInstanceOf(TaidonException.class);
    assertThat(refused("SELECT " + "1".repeat(1000)).getMessage()).contains("at most 1000 characters");
    refused("SELECT '\0'");
    assertThat(refused("SELECT 'unterminated").code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
  }

  @Test
  void leadingWordsSkipCommentsAndStopAtPunctuation() {
    assertThat(ReadOnlyQuery.leadingWords("/* a */ -- b\n rollback  to s", 3)).containsExactly("ROLLBACK", "TO", "S");
    assertThat(ReadOnlyQuery.leadingWords("(SELECT 1)", 3)).isEmpty();
    assertThat(ReadOnlyQuery.leadingWords("/* never closed", 3)).isEmpty();
  }
}
