package dev.taidon.server;

import static dev.taidon.server.Learner.lastStatements;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.testkit.PlatformPerClass;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Learner SQL is hostile. Every escape a learner might try through a worksheet is refused by
 * PostgreSQL's privileges or cut off by the runner's limits, and another learner's runs go on.
 */
class HostileSqlIT {
  @RegisterExtension
  static final PlatformPerClass platform = new PlatformPerClass("hostile", "--taidon.sandbox.pool-size=0",
      "--taidon.runner.anonymous-statement-timeout=1500ms", "--taidon.runner.prebuild-datasets=false",
      "--taidon.gateway.account-rate=1000", "--taidon.gateway.account-burst=1000");
  private static Learner attacker;
  private static String worksheet;

  @BeforeAll
  static void start() {
    attacker = Learner.anonymous(platform.server());
    worksheet = attacker.worksheet(null);
  }

  static List<Arguments> escapes() {
    return List.of(
        Arguments.of("ALTER SYSTEM SET work_mem = '1GB'", "42501"),
        Arguments.of("COPY (SELECT 1) TO PROGRAM 'id'", "42501"),
        Arguments.of("CREATE TABLE stolen (line text); COPY stolen FROM '/etc/passwd'", "42501"),
        Arguments.of("COPY (SELECT 'x') TO '/tmp/taidon-escape'", "42501"),
        Arguments.of("SELECT pg_read_file('/etc/passwd')", "42501"),
        Arguments.of("SELECT pg_ls_dir('/')", "42501"),
        Arguments.of("SELECT lo_import('/etc/passwd')", "42501"),
        Arguments.of("SELECT lo_export(lo_create(0), '/tmp/taidon-escape')", "42501"),
        Arguments.of("SELECT pg_read_binary_file('/etc/passwd')", "42501"),
        Arguments.of("SELECT pg_stat_file('/etc/passwd')", "42501"),
        Arguments.of("SELECT pg_read_file('postgresql.auto.conf')", "42501"),
        Arguments.of("SELECT * FROM pg_hba_file_rules", "42501"),
        Arguments.of("CREATE TABLESPACE elsewhere LOCATION '/tmp'", "42501"),
        // Code that would run in every later DDL of the sandbox, the platform's own included.
        Arguments.of("CREATE FUNCTION spy() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$;"
            + " CREATE EVENT TRIGGER spy ON ddl_command_start EXECUTE FUNCTION spy()", "42501"),
        // A connection out of the sandbox, to wherever the learner names.
        Arguments.of("CREATE SUBSCRIPTION out CONNECTION 'host=127.0.0.1 dbname=postgres' PUBLICATION p", "42501"),
        Arguments.of("CREATE LANGUAGE plperlu", "42501"),
        Arguments.of("CREATE EXTENSION file_fdw", "42501"),
        Arguments.of("CREATE EXTENSION dblink", "42501"),
        Arguments.of("CREATE EXTENSION plpython3u", "42501"),
        Arguments.of("CREATE FUNCTION evil() RETURNS int LANGUAGE c AS '/lib/x86_64-linux-gnu/libc.so.6', 'getpid'", "42501"),
        Arguments.of("LOAD '/lib/x86_64-linux-gnu/libc.so.6'", "42501"),
        Arguments.of("CREATE ROLE boss SUPERUSER", "42501"),
        Arguments.of("ALTER ROLE learner SUPERUSER", "42501"),
        Arguments.of("GRANT pg_read_server_files TO learner", "42501"),
        Arguments.of("GRANT pg_execute_server_program TO learner", "42501"),
        Arguments.of("CREATE ROLE helper; GRANT pg_checkpoint TO helper", "42501"),
        Arguments.of("SET ROLE postgres", "42501"),
        Arguments.of("SET SESSION AUTHORIZATION postgres", "42501"),
        Arguments.of("SET temp_file_limit = -1", "42501"),
        Arguments.of("SELECT set_config('log_statement', 'all', false)", "42501"),
        Arguments.of("SET session_preload_libraries = 'auto_explain'", "42501"),
        Arguments.of("SELECT pg_reload_conf()", "42501"),
        Arguments.of("ALTER ROLE postgres PASSWORD 'taken'", "42501"),
        Arguments.of("ALTER ROLE learner BYPASSRLS", "42501"),
        Arguments.of("ALTER DATABASE postgres OWNER TO learner", "42501"),
        Arguments.of("\\c postgres", "42601"),
        Arguments.of("\\c learner postgres", "42601"),
        Arguments.of("\\! id", "42601"),
        Arguments.of("CREATE FUNCTION down(n int) RETURNS int LANGUAGE sql AS 'SELECT down(n + 1)'; SELECT down(1)",
            "54001"),
        Arguments.of("SELECT pg_sleep(600)", "57014"),
        Arguments.of("SELECT count(*) FROM generate_series(1, 1e13::bigint)", "57014,53400"),
        Arguments.of("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
            "57014,53400"),
        Arguments.of("SET work_mem = '64kB'; SELECT md5(i::text) FROM generate_series(1, 1e8::bigint) i ORDER BY 1",
            "57014,53400"),
        // Memory: a learner may raise work_mem, but no backend may take more than its process limit.
        Arguments.of("SELECT length(repeat('x', 600000000))", "53200"),
        // Rows of a kilobyte that cost little to make, so that memory runs out long before the 1.5 s
        // statement timeout even on a slow machine.
        Arguments.of("SET work_mem = '8GB'; SELECT sum(length(pad)) FROM (SELECT i, repeat('x', 1000) AS pad"
            + " FROM generate_series(1, 2000000) i ORDER BY i DESC) sorted", "53200"),
        Arguments.of("SET statement_timeout = 0; DO $$ BEGIN PERFORM set_config('statement_timeout', '0', false);"
            + " LOOP END LOOP; END $$", "57014"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("escapes")
  void anEscapeIsRefusedOrCutOff(String sql, String sqlstates) {
    // The probe comes first, so running it never replays the attack.
    attacker.cells(worksheet, "probe", "SELECT current_user, session_user", "attack", sql);
    JsonNode run = attacker.run(worksheet, "attack");
    JsonNode statements = lastStatements(run);
    JsonNode failed = statements.get(statements.size() - 1);
    assertThat(failed.path("error").isMissingNode()).as("%s must fail, but ran: %s", sql, failed).isFalse();
    assertThat(Arrays.asList(sqlstates.split(","))).as("SQLSTATE of %s (%s)", sql, failed.path("error"))
        .contains(failed.at("/error/sqlstate").asString());
    JsonNode probe = lastStatements(attacker.run(worksheet, "probe")).get(0).path("rows").get(0);
    assertThat(probe.get(0).asString()).as("the session still runs as the learner").isEqualTo("learner");
    assertThat(probe.get(1).asString()).isEqualTo("learner");
  }

  @Test
  void anotherLearnersRunsGoOnWhileOneBurnsItsTime() throws Exception {
    Learner bystander = Learner.anonymous(platform.server());
    String own = bystander.worksheet(null);
    bystander.cells(own, "warm", "SELECT 1", "calm", "CREATE TABLE calm AS SELECT 1 AS x; SELECT count(*) FROM calm");
    bystander.run(own, "warm");
    Learner burner = Learner.anonymous(platform.server());
    String burning = burner.worksheet(null);
    burner.cells(burning, "burn", "DO $$ BEGIN LOOP END LOOP; END $$");
    try (Learner.LiveRun burn = burner.runLive(burning, "burn")) {
      burn.await("statement");
      JsonNode calm = bystander.run(own, "calm");
      assertThat(calm.path("outcome").asString()).isEqualTo("succeeded");
      assertThat(lastStatements(calm).get(1).path("rows").get(0).get(0).asString()).isEqualTo("1");
      JsonNode burnt = burn.await("statementEnd");
      assertThat(burnt.at("/error/sqlstate").asString()).as("the loop was cut off at its limit, after the other run")
          .isEqualTo("57014");
    }
  }

  @Test
  void aFloodOfNoticesIsCutToWhatAnAnswerCanHold() {
    attacker.cells(worksheet, "flood", "DO $$ BEGIN FOR i IN 1..200000 LOOP RAISE NOTICE 'n %', i; END LOOP; END $$");
    JsonNode statement = lastStatements(attacker.run(worksheet, "flood")).get(0);
    assertThat(statement.path("commandTag").asString()).isEqualTo("DO");
    assertThat(statement.path("truncated").asBoolean()).isTrue();
    assertThat(statement.path("notices")).hasSize(1001);
    assertThat(statement.path("notices").get(1000).path("message").asString())
        .isEqualTo("199000 more notices were left out: a statement shows at most 1000");
  }

  @Test
  void aLearnerSeesNoOtherSessionsOrSandboxes() {
    attacker.cells(worksheet, "look", """
        SELECT count(*) FROM pg_stat_activity
        WHERE usename IS DISTINCT FROM 'learner' AND query NOT IN ('', '<insufficient privilege>');
        SELECT datname FROM pg_database ORDER BY 1;""");
    JsonNode statements = lastStatements(attacker.run(worksheet, "look"));
    assertThat(statements.get(0).path("rows").get(0).get(0).asString())
        .as("other sessions' queries are not visible").isEqualTo("0");
    assertThat(statements.get(1).path("rows").toString()).as("only this sandbox's databases exist")
        .isEqualTo("[[\"learner\"],[\"postgres\"],[\"template0\"],[\"template1\"]]");
  }
}
