package dev.taidon.testkit;

import dev.taidon.core.command.CommandRunner;
import dev.taidon.core.command.ProcessCommandRunner;
import dev.taidon.pg.OsAccount;
import dev.taidon.pg.PostgresBinaries;
import dev.taidon.pg.PostgresInstance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real PostgreSQL server of the pinned engine for a test: created in a fresh directory, started,
 * and removed with everything in it by {@link #close()}.
 */
public final class TestPostgres implements AutoCloseable {
  private static final CommandRunner RUNNER = new ProcessCommandRunner();
  private static volatile PostgresBinaries binaries;
  private static volatile OsAccount account;

  private final Path directory;
  private final PostgresInstance instance;

  private TestPostgres(Path directory, PostgresInstance instance) {
    this.directory = directory;
    this.instance = instance;
  }

  /** Starts a new throw-away server (initdb with {@code --no-sync}). */
  public static TestPostgres start() {
    Path directory = TestDirectories.create("pg");
    PostgresInstance instance = new PostgresInstance(binaries(), account(), RUNNER, new PostgresInstance.Spec(
        directory.resolve("data"), directory.resolve("run"), directory.resolve("postgres.log"),
        Map.of("fsync", "off", "shared_buffers", "16MB", "max_connections", "40")));
    instance.initdb(List.of("--no-sync"));
    instance.start(Duration.ofSeconds(60));
    return new TestPostgres(directory, instance);
  }

  /** The pinned binaries, unpacked once per machine into {@link TestDirectories#SHARED_ENGINE}. */
  public static PostgresBinaries binaries() {
    if (binaries == null) {
      synchronized (TestPostgres.class) {
        if (binaries == null) {
          binaries = PostgresBinaries.pinned(TestDirectories.SHARED_ENGINE, RUNNER);
        }
      }
    }
    return binaries;
  }

  /** The account PostgreSQL runs as in tests (the system account when tests run as root). */
  public static OsAccount account() {
    if (account == null) {
      synchronized (TestPostgres.class) {
        if (account == null) {
          account = OsAccount.forPostgres(RUNNER, OsAccount.DEFAULT_SYSTEM_ACCOUNT);
        }
      }
    }
    return account;
  }

  public PostgresInstance instance() {
    return instance;
  }

  /** A JDBC URL for the {@code postgres} database as the superuser. */
  public String jdbcUrl() {
    return instance.jdbcUrl("postgres");
  }

  public String username() {
    return PostgresInstance.SUPERUSER;
  }

  /** A connection pool of at most {@code maxPoolSize} to the {@code postgres} database as the superuser; the caller closes it. */
  public com.zaxxer.hikari.HikariDataSource pool(int maxPoolSize) {
    com.zaxxer.hikari.HikariDataSource dataSource = new com.zaxxer.hikari.HikariDataSource();
    dataSource.setJdbcUrl(jdbcUrl());
    dataSource.setUsername(username());
    dataSource.setMaximumPoolSize(maxPoolSize);
    return dataSource;
  }

  @Override
  public void close() {
    instance.stop();
    TestDirectories.delete(directory);
  }
}
