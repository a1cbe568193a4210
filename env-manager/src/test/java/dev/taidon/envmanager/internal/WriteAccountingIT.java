package dev.taidon.envmanager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.core.DiskUsage;
import dev.taidon.testkit.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a real PostgreSQL server wrote, read from this machine's {@code /proc}, against how much its
 * data directory actually grew: the bound the disk watchdog relies on.
 */
class WriteAccountingIT {
  private static TestPostgres postgres;
  private static Connection session;
  private static long postmaster;
  private static Path data;
  private final WriteAccounting accounting = WriteAccounting.ofThisMachine();

  @BeforeAll
  static void start() throws Exception {
    postgres = TestPostgres.start();
    postmaster = postgres.instance().pid().orElseThrow();
    data = postgres.instance().spec().dataDirectory();
    session = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), "");
    try (Statement statement = session.createStatement()) {
      // Autovacuum would write at times of its own choosing: kept out so that idle means idle here.
      statement.execute("ALTER SYSTEM SET autovacuum = off");
      statement.execute("SELECT pg_reload_conf()");
    }
    Thread.sleep(500);
  }

  @AfterAll
  static void stop() throws Exception {
    session.close();
    postgres.close();
  }

  private long written() {
    return accounting.bytesWritten(postmaster).orElseThrow();
  }

  @Test
  void anIdleServerWritesNothing() throws Exception {
    long before = written();
    Thread.sleep(300);
    long after = written();
    if (after != before) {
      // The postmaster wakes by itself now and then; one such wake may fall in the window.
      before = after;
      Thread.sleep(300);
      after = written();
    }
    assertThat(after).as("bytes written by a server whose one session sat idle").isEqualTo(before);
  }

  @Test
  void theDataDirectoryGrowsByNoMoreThanTheServerWrotePlusWhatItReservesUnwritten() throws Exception {
    long sizeBefore = DiskUsage.bytes(data);
    long writtenBefore = written();
    try (Statement statement = session.createStatement()) {
      // Bulk inserts extend relations many pages at a time (posix_fallocate), sorts spill to
      // temporary files, and the WAL grows by new segments.
      statement.execute("CREATE TABLE grown (g int, pad text)");
      statement.execute("INSERT INTO grown SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 300000) g");
      statement.execute("SET work_mem = '64kB'");
      statement.execute("SELECT count(DISTINCT pad) FROM grown");
      statement.execute("CREATE INDEX ON grown (pad)");
      statement.execute("CHECKPOINT");
    }
    long grew = DiskUsage.bytes(data) - sizeBefore;
    long wrote = written() - writtenBefore;

    assertThat(grew).as("how much the data directory grew, to show the workload made it grow").isGreaterThan(20L << 20);
    assertThat(grew).as("growth of the data directory (%d bytes written meanwhile)", wrote)
        .isLessThanOrEqualTo(wrote + DiskWatchdog.UNCOUNTED_GROWTH_BYTES);
  }

  @Test
  void aSessionThatCameAndWentIsCountedThroughThePostmasterThatReapedIt() throws Exception {
    long writtenBefore = written();
    try (Connection passing = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), "");
        Statement statement = passing.createStatement()) {
      // A sort far larger than its memory spills to temporary files, which the session itself
      // writes (no WAL, no shared buffers for the background processes to write out).
      statement.execute("SET work_mem = '64kB'");
      statement.execute("SELECT count(DISTINCT pad) FROM (SELECT repeat(md5(g::text), 4) AS pad"
          + " FROM generate_series(1, 300000) g) spilled");
    }
    // The session's process is gone once the postmaster has reaped it.
    Thread.sleep(300);

    assertThat(written() - writtenBefore).as("bytes counted for the server after a session that spilled a"
        + " 40 MB sort to temporary files and left").isGreaterThan(20L << 20);
  }
}
