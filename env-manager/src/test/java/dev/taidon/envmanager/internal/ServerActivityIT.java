package dev.taidon.envmanager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.testkit.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fingerprint of a real PostgreSQL server's work, read from this machine's {@code /proc}. */
class ServerActivityIT {
  private static TestPostgres postgres;
  private static Connection session;
  private static long postmaster;
  private final ServerActivity activity = ServerActivity.ofThisMachine();

  @BeforeAll
  static void start() throws Exception {
    postgres = TestPostgres.start();
    postmaster = postgres.instance().pid().orElseThrow();
    session = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), "");
    try (Statement statement = session.createStatement()) {
      // An autovacuum worker is a session's kind of work: kept out so that idle means idle here.
      statement.execute("ALTER SYSTEM SET autovacuum = off");
      statement.execute("SELECT pg_reload_conf()");
    }
    // The reload is work of its own, done by every process as it gets to it.
    Thread.sleep(1000);
  }

  @AfterAll
  static void stop() throws Exception {
    session.close();
    postgres.close();
  }

  @Test
  void anIdleSessionDoesNoWork() throws Exception {
    String before = activity.fingerprint(postmaster).orElseThrow();
    Thread.sleep(300);
    String after = activity.fingerprint(postmaster).orElseThrow();
    if (!after.equals(before)) {
      // The postmaster wakes by itself about once a minute; one such wake may fall in the window.
      before = after;
      Thread.sleep(300);
      after = activity.fingerprint(postmaster).orElseThrow();
    }
    assertThat(after).as("the work of a server whose one session sat idle").isEqualTo(before);
  }

  @Test
  void aStatementIsWork() throws Exception {
    String before = activity.fingerprint(postmaster).orElseThrow();
    try (Statement statement = session.createStatement()) {
      statement.execute("SELECT count(*) FROM generate_series(1, 100000)");
    }
    assertThat(activity.fingerprint(postmaster).orElseThrow()).as("the work after a statement").isNotEqualTo(before);
  }

  @Test
  void aSessionThatCameAndWentIsWork() throws Exception {
    String before = activity.fingerprint(postmaster).orElseThrow();
    try (Connection passing = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), "")) {
      passing.isValid(1);
    }
    assertThat(activity.fingerprint(postmaster).orElseThrow()).as("the work after a session came and went")
        .isNotEqualTo(before);
  }
}
