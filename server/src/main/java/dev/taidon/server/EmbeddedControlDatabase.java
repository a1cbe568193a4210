package dev.taidon.server;

import dev.taidon.core.DataDirectory;
import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.core.command.CommandRunner;
import dev.taidon.pg.OsAccount;
import dev.taidon.pg.PostgresBinaries;
import dev.taidon.pg.PostgresInstance;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The control database a server starts in its own data directory when it is given no external
 * one: a PostgreSQL cluster of the pinned engine, reachable only through its Unix socket. It is
 * supervised: if its postmaster dies (killed, out of memory), it is started again, with
 * PostgreSQL's crash recovery, until the server stops. Requests in between answer 503
 * {@code control-database-unavailable}; the connection pool replaces the broken connections.
 */
final class EmbeddedControlDatabase {
  static final String DATABASE = "taidon";
  /** How often the supervisor looks whether the postmaster still runs. */
  static final Duration SUPERVISION_INTERVAL = Duration.ofSeconds(1);
  private static final Logger log = LoggerFactory.getLogger(EmbeddedControlDatabase.class);

  private final PostgresInstance instance;
  private final ControlDatabaseDirectory directory;
  private final Duration startTimeout;
  private final ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("control-db-supervisor").factory());
  private volatile boolean stopping;
  private int restarts;

  EmbeddedControlDatabase(DataDirectory data, PostgresBinaries binaries, OsAccount account, CommandRunner runner,
      Duration startTimeout) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("max_connections", "100");
    settings.put("shared_buffers", "64MB");
    settings.put("logging_collector", "off");
    settings.put("log_min_messages", "warning");
    this.instance = new PostgresInstance(binaries, account, runner, new PostgresInstance.Spec(
        data.controlDatabase().resolve("pgdata"), data.sockets().resolve("control-db"),
        data.logs().resolve("control-db.log"), settings));
    this.directory = new ControlDatabaseDirectory(runner);
    this.startTimeout = startTimeout;
  }

  void start() {
    long started = System.nanoTime();
    if (!instance.isInitialized()) {
      log.info("Creating the control database in {}", instance.spec().dataDirectory());
      directory.prepare(instance.spec().dataDirectory().getParent());
      instance.initdb(List.of());
    }
    instance.start(startTimeout);
    createDatabaseIfMissing();
    log.info("Control database up in {} ms (socket in {})", Duration.ofNanos(System.nanoTime() - started).toMillis(),
        instance.spec().socketDirectory());
    supervisor.scheduleWithFixedDelay(this::restartIfGone, SUPERVISION_INTERVAL.toMillis(),
        SUPERVISION_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Starts the postmaster again when it is gone. A start can fail while backends of the dead one
   * still hold its shared memory; they exit on their own, and the next pass tries again.
   */
  private void restartIfGone() {
    if (stopping || instance.isRunning()) {
      return;
    }
    try {
      log.warn("The control database's PostgreSQL is gone; starting it again (restart {})", ++restarts);
      instance.start(startTimeout);
      log.info("Control database running again after restart {}", restarts);
    } catch (RuntimeException e) {
      log.warn("The control database did not start again yet: {}", e.getMessage());
    }
  }


  private void createDatabaseIfMissing() {
    try (Connection connection = instance.connect("postgres");
        PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, DATABASE);
      try (ResultSet rs = exists.executeQuery()) {
        if (!rs.next()) {
          try (Statement create = connection.createStatement()) {
            create.execute("CREATE DATABASE " + DATABASE);
          }
        }
      }
    } catch (SQLException e) {
      throw new TaidonException(ErrorCode.CONTROL_DATABASE_UNAVAILABLE,
          "cannot create the control database '" + DATABASE + "': " + e.getMessage(), e);
    }
  }

  String jdbcUrl() {
    return instance.jdbcUrl(DATABASE);
  }

  String username() {
    return PostgresInstance.SUPERUSER;
  }

  void stop() {
    stopping = true;
    supervisor.shutdownNow();
    try {
      // A restart in progress finishes before the final stop, so no postmaster is left behind.
      supervisor.awaitTermination(startTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    instance.stop();
    log.info("Control database stopped");
  }

  /** Matches when no external control database is configured. */
  static final class Wanted implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return context.getEnvironment().getProperty("taidon.control-db.url", "").isBlank();
    }
  }
}
