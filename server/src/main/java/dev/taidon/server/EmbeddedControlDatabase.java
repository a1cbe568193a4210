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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The control database a server starts in its own data directory when it is given no external
 * one: a PostgreSQL cluster of the pinned engine, reachable only through its Unix socket.
 */
final class EmbeddedControlDatabase {
  static final String DATABASE = "taidon";
  private static final Logger log = LoggerFactory.getLogger(EmbeddedControlDatabase.class);

  private final PostgresInstance instance;
  private final Duration startTimeout;

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
    this.startTimeout = startTimeout;
  }

  void start() {
    long started = System.nanoTime();
    if (!instance.isInitialized()) {
      log.info("Creating the control database in {}", instance.spec().dataDirectory());
      instance.initdb(List.of());
    }
    instance.start(startTimeout);
    createDatabaseIfMissing();
    log.info("Control database up in {} ms (socket in {})", Duration.ofNanos(System.nanoTime() - started).toMillis(),
        instance.spec().socketDirectory());
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
