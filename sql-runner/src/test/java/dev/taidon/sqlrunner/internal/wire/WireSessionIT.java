package dev.taidon.sqlrunner.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.pg.UnixSocketJdbc;
import dev.taidon.testkit.TestPostgres;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The protocol client against a real PostgreSQL: values, tags, notices, errors, COPY, limits, cancel. */
class WireSessionIT {
  private static final ResultLimits GENEROUS = new ResultLimits(10_000, 16L * 1024 * 1024, 1024 * 1024);
  private static TestPostgres postgres;
  private static WireAddress address;
  private WireSession session;

  @BeforeAll
  static void start() {
    postgres = TestPostgres.start();
    address = WireAddress.unixSocket(UnixSocketJdbc.socketFile(postgres.instance().spec().socketDirectory()));
  }

  @AfterAll
  static void stop() {
    postgres.close();
  }

  @BeforeEach
  void connect() {
    session = WireSession.connect(address, postgres.username(), "postgres", Map.of("TimeZone", "UTC"));
  }

  @AfterEach
  void close() {
    session.close();
  }

  /** What a listener saw. */
  static final class Recorded implements ResultListener {
    final List<WireColumn> columns = new ArrayList<>();
    final List<List<String>> rows = new ArrayList<>();
    final List<ServerMessage> notices = new ArrayList<>();
    final List<String> order = new ArrayList<>();

    @Override
    public void columns(List<WireColumn> described) {
      columns.addAll(described);
      order.add("columns");
    }

    @Override
    public void row(List<String> values, boolean cut) {
      rows.add(values);
      order.add("row");
    }

    @Override
    public void notice(ServerMessage notice) {
      notices.add(notice);
      order.add("notice:" + notice.message());
    }
  }

  private Recorded run(String sql) {
    Recorded recorded = new Recorded();
    StatementResult result = session.execute(sql, null, recorded, GENEROUS);
    assertThat(result.error()).as("error of %s", sql).isEmpty();
    return recorded;
  }

  @Test
  void valuesArriveExactlyAsPostgresPrintsThem() {
    Recorded recorded = run("""
        SELECT 123456789012345678901234567890.123456789::numeric, 9223372036854775807::bigint, NULL, 'NULL',
               '\\x00ff10'::bytea, ARRAY[1, NULL, 3], '{"b": [1, 2.50], "a": null}'::jsonb, '{"b":1}'::json,
               interval '1 year 2 days 03:04:05.678', timestamptz '2026-11-27 12:00:00+02', 'NaN'::float8,
               'Infinity'::float8, 0.1::float8, true, 'héllo ✓ 𝄞', '00000000-0000-0000-0000-000000000001'::uuid,
               date '2026-02-28', ''""");
    assertThat(recorded.rows).hasSize(1);
    assertThat(recorded.rows.getFirst()).containsExactly("123456789012345678901234567890.123456789",
        "9223372036854775807", null, "NULL", "\\x00ff10", "{1,NULL,3}", "{\"a\": null, \"b\": [1, 2.50]}",
        "{\"b\":1}", "1 year 2 days 03:04:05.678", "2026-11-27 10:00:00+00", "NaN", "Infinity", "0.1", "t",
        "héllo ✓ 𝄞", "00000000-0000-0000-0000-000000000001", "2026-02-28", "");
  }

  @Test
  void commandTagsAreTheServersOwn() {
    assertThat(tag("CREATE TABLE tags (id int PRIMARY KEY, v text)")).isEqualTo("CREATE TABLE");
    assertThat(tag("INSERT INTO tags VALUES (1, 'a'), (2, 'b'), (3, 'c')")).isEqualTo("INSERT 0 3");
    assertThat(tag("UPDATE tags SET v = 'x' WHERE id < 3")).isEqualTo("UPDATE 2");
    assertThat(tag("DELETE FROM tags WHERE id = 3")).isEqualTo("DELETE 1");
    assertThat(tag("SELECT * FROM tags")).isEqualTo("SELECT 2");
    assertThat(tag("MERGE INTO tags t USING (VALUES (1), (4)) s(id) ON t.id = s.id WHEN MATCHED THEN DELETE"
        + " WHEN NOT MATCHED THEN INSERT VALUES (s.id, 'new')")).isEqualTo("MERGE 2");
    assertThat(tag("DROP TABLE tags")).isEqualTo("DROP TABLE");
    StatementResult empty = session.execute("", null, new Recorded(), GENEROUS);
    assertThat(empty.commandTag()).as("an empty query has no tag").isEmpty();
    assertThat(empty.error()).isEmpty();
  }

  private String tag(String sql) {
    StatementResult result = session.execute(sql, null, new Recorded(), GENEROUS);
    assertThat(result.error()).as("error of %s", sql).isEmpty();
    return result.commandTag().orElseThrow();
  }

  @Test
  void noticesComeInOrderAmongRows() {
    Recorded recorded = run("""
        DO $$ BEGIN RAISE NOTICE 'first'; RAISE WARNING 'second' USING DETAIL = 'more', HINT = 'try this'; END $$""");
    assertThat(recorded.notices).extracting(ServerMessage::severity).containsExactly("NOTICE", "WARNING");
    assertThat(recorded.notices.get(1).detail()).contains("more");
    assertThat(recorded.notices.get(1).hint()).contains("try this");
    run("CREATE FUNCTION noisy(i int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'row %', i; RETURN i; END $$");
    Recorded interleaved = run("SELECT noisy(i) FROM generate_series(1, 2) i");
    assertThat(interleaved.order).containsExactly("columns", "notice:row 1", "row", "notice:row 2", "row");
  }

  @Test
  void errorsCarrySqlstatePositionDetailAndHint() {
    StatementResult result = session.execute("SELECT 1,\n  nosuchcolumn FROM pg_class", null, new Recorded(), GENEROUS);
    ServerMessage error = result.error().orElseThrow();
    assertThat(error.sqlstate()).isEqualTo("42703");
    assertThat(error.message()).isEqualTo("column \"nosuchcolumn\" does not exist");
    assertThat(error.position()).as("1-based character position of nosuchcolumn").isEqualTo(13);
    run("CREATE TABLE parent (id int PRIMARY KEY); CREATE TABLE child (p int REFERENCES parent)");
    ServerMessage foreignKey = session.execute("INSERT INTO child VALUES (7)", null, new Recorded(), GENEROUS)
        .error().orElseThrow();
    assertThat(foreignKey.sqlstate()).isEqualTo("23503");
    assertThat(foreignKey.detail()).contains("Key (p)=(7) is not present in table \"parent\".");
    ServerMessage hinted = session.execute("SELECT nosuchfunction()", null, new Recorded(), GENEROUS).error().orElseThrow();
    assertThat(hinted.hint()).hasValueSatisfying(hint -> assertThat(hint).contains("No function matches"));
    run("DROP TABLE child, parent");
  }

  @Test
  void transactionStatusFollowsTheSession() {
    assertThat(session.execute("BEGIN", null, new Recorded(), GENEROUS).status()).isEqualTo(TransactionStatus.OPEN);
    assertThat(session.execute("SELECT 1/0", null, new Recorded(), GENEROUS).status()).isEqualTo(TransactionStatus.FAILED);
    assertThat(session.execute("SELECT 1", null, new Recorded(), GENEROUS).error().orElseThrow().sqlstate())
        .as("a failed transaction refuses statements").isEqualTo("25P02");
    assertThat(session.execute("ROLLBACK", null, new Recorded(), GENEROUS).status()).isEqualTo(TransactionStatus.IDLE);
  }

  @Test
  void copyFromStdinSendsTheDataAndCopyToStdoutReturnsLines() {
    run("CREATE TABLE copied (id int, name text)");
    StatementResult copyIn = session.execute("COPY copied FROM STDIN", List.of("1\tone", "2\t\\N", "3\tthree ✓"),
        new Recorded(), GENEROUS);
    assertThat(copyIn.error()).isEmpty();
    assertThat(copyIn.commandTag()).contains("COPY 3");
    Recorded out = new Recorded();
    StatementResult copyOut = session.execute("COPY copied TO STDOUT", null, out, GENEROUS);
    assertThat(copyOut.commandTag()).contains("COPY 3");
    assertThat(out.rows).containsExactly(List.of("1\tone"), List.of("2\t\\N"), List.of("3\tthree ✓"));
    StatementResult noData = session.execute("COPY copied FROM STDIN", null, new Recorded(), GENEROUS);
    assertThat(noData.error().orElseThrow().message()).contains("no COPY data follows the statement");
    assertThat(session.isAlive()).as("the session survives a refused COPY").isTrue();
    run("DROP TABLE copied");
  }

  @Test
  void limitsCutRowsAndValuesButTheWholeResultIsRead() {
    Recorded recorded = new Recorded();
    StatementResult result = session.execute("SELECT i, repeat('é', 100) FROM generate_series(1, 5000) i", null, recorded,
        new ResultLimits(10, 1024 * 1024, 51));
    assertThat(result.commandTag()).as("the statement ran to its end").contains("SELECT 5000");
    assertThat(result.rowsReceived()).isEqualTo(5000);
    assertThat(result.truncated()).isTrue();
    assertThat(recorded.rows).hasSize(10);
    assertThat(recorded.rows.getFirst().get(1)).as("cut at a character boundary within 51 bytes").isEqualTo("é".repeat(25));
    Recorded byBytes = new Recorded();
    StatementResult capped = session.execute("SELECT repeat('x', 1000) FROM generate_series(1, 100)", null, byBytes,
        new ResultLimits(1000, 2500, 1000));
    assertThat(capped.truncated()).isTrue();
    assertThat(byBytes.rows).as("rows until 2500 bytes are used").hasSize(3);
    assertThat(session.execute("SELECT 1", null, new Recorded(), GENEROUS).error()).isEmpty();
  }

  @Test
  void cancelStopsTheRunningStatementAndTheSessionGoesOn() throws Exception {
    CompletableFuture<StatementResult> sleeping = CompletableFuture.supplyAsync(
        () -> session.execute("SELECT pg_sleep(30)", null, new Recorded(), GENEROUS));
    Thread.sleep(300);
    session.cancel();
    StatementResult result = sleeping.get(10, TimeUnit.SECONDS);
    assertThat(result.error().orElseThrow().sqlstate()).isEqualTo("57014");
    assertThat(run("SELECT 42").rows).containsExactly(List.of("42"));
  }

  @Test
  void aTerminatedBackendEndsTheSessionWithTheServersMessage() {
    StatementResult result = session.execute("SELECT pg_terminate_backend(pg_backend_pid())", null, new Recorded(),
        GENEROUS);
    assertThat(result.error().orElseThrow().sqlstate()).isEqualTo("57P01");
    assertThat(session.isOpen()).isFalse();
    assertThatThrownBy(() -> session.execute("SELECT 1", null, new Recorded(), GENEROUS))
        .isInstanceOf(WireException.class).hasMessageContaining("closed");
  }

  @Test
  void anUnknownDatabaseIsRefusedWithTheServersMessage() {
    assertThatThrownBy(() -> WireSession.connect(address, postgres.username(), "nosuchdb", Map.of()))
        .isInstanceOfSatisfying(WireException.class, refused ->
            assertThat(refused.serverMessage().orElseThrow().sqlstate()).isEqualTo("3D000"));
  }

  @Test
  void typeNamesAreFormatTypesIncludingModifiersAndUserTypes() {
    TypeNames names = new TypeNames();
    names.learn(session);
    run("CREATE TYPE mood AS ENUM ('sad', 'happy')");
    Recorded recorded = run("""
        SELECT 'a'::varchar(20), 1.5::numeric(10,2), now()::timestamp(3), 'x'::char(4), 'happy'::mood,
               ARRAY['x']::text[], 1::int2, '1 day'::interval""");
    List<String> resolved = names.resolve(recorded.columns, session);
    assertThat(resolved).containsExactly("character varying(20)", "numeric(10,2)", "timestamp(3) without time zone",
        "character(4)", "mood", "text[]", "smallint", "interval");
    assertThat(names.known(recorded.columns.get(4).typeOid(), -1)).as("user types need the catalog").isEmpty();
    run("DROP TYPE mood");
  }

  @Test
  void aLargeErrorMessageIsReadWithoutHoldingItWhole() {
    StatementResult result = session.execute(
        "DO $$ BEGIN RAISE EXCEPTION '%', repeat('x', 3000000); END $$", null, new Recorded(), GENEROUS);
    assertThat(result.error().orElseThrow().message().length()).isBetween(1000, 1024 * 1024);
    assertThat(session.isAlive()).isTrue();
    assertThat(Arrays.asList(run("SELECT 'still here'").rows.getFirst().toArray())).containsExactly("still here");
  }
}
