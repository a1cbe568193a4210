package dev.taidon.envmanager.internal;

import dev.taidon.core.DataDirectory;
import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.core.DiskUsage;
import dev.taidon.core.command.CommandRunner;
import dev.taidon.envmanager.Checkpoint;
import dev.taidon.envmanager.Presence;
import dev.taidon.envmanager.SandboxEndpoint;
import dev.taidon.envmanager.SandboxId;
import dev.taidon.envmanager.SandboxRuntime;
import dev.taidon.envmanager.ServerWrites;
import dev.taidon.pg.OsAccount;
import dev.taidon.pg.PostgresBinaries;
import dev.taidon.pg.PostgresInstance;
import dev.taidon.pg.UnixSocketJdbc;
import dev.taidon.snapshotcache.NewState;
import dev.taidon.snapshotcache.Snapshots;
import dev.taidon.snapshotcache.StateId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sandboxes as PostgreSQL processes on this machine: one data directory each, a workspace of the
 * state store cloned from a state, served on a Unix socket in a directory only the platform can
 * enter.
 */
final class LocalSandboxRuntime implements SandboxRuntime {
  private static final Logger log = LoggerFactory.getLogger(LocalSandboxRuntime.class);
  static final String LEARNER = "learner";

  /**
   * Server settings of every sandbox. Sized for density (hundreds of idle instances on a machine):
   * small shared memory, few connections, no I/O worker, parallel worker or logical replication
   * processes. Durability against a machine crash is traded for speed ({@code fsync=off}): a
   * sandbox's truth is its state in the cache, and states are only published after a CHECKPOINT or
   * a clean stop. Commits still reach the operating system before they are acknowledged, so a
   * killed server loses nothing. Learner limits that only a superuser may change live here
   * ({@code temp_file_limit}); limits a session may lower are role defaults set by the runner.
   */
  static final Map<String, String> SETTINGS = settings();

  private final Snapshots snapshots;
  private final WriteAccounting accounting = WriteAccounting.ofThisMachine();
  private final PostgresBinaries binaries;
  private final OsAccount account;
  private final CommandRunner runner;
  private final DataDirectory data;
  private final Duration startTimeout;
  /** RLIMIT_DATA of each sandbox server process, 0 for none. */
  private final long processMemoryLimitBytes;
  private final Map<SandboxId, PostgresInstance> instances = new ConcurrentHashMap<>();
  /**
   * A superuser connection per sandbox that was checkpointed by the env-manager or warmed up in the
   * pool, kept for the next CHECKPOINT: opening one forks a backend, which costs more than the
   * checkpoint of a step. Closed when the sandbox stops. The runner checkpoints over its own session
   * ({@link Checkpoint#DONE_BY_CALLER}), so a learner's sandbox usually has none.
   */
  private final Map<SandboxId, Connection> checkpointConnections = new ConcurrentHashMap<>();

  LocalSandboxRuntime(Snapshots snapshots, PostgresBinaries binaries, OsAccount account, CommandRunner runner,
      DataDirectory data, Duration startTimeout, long processMemoryLimitBytes) {
    this.processMemoryLimitBytes = processMemoryLimitBytes;
    this.snapshots = snapshots;
    this.binaries = binaries;
    this.account = account;
    this.runner = runner;
    this.data = data;
    this.startTimeout = startTimeout;
    // Fails now, with the fix in the message, if the data directory's path is too long for sockets.
    spec(SandboxId.random());
  }

  private static Map<String, String> settings() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("shared_buffers", "16MB");
    settings.put("max_connections", "12");
    settings.put("superuser_reserved_connections", "2");
    settings.put("io_method", "sync");
    settings.put("max_worker_processes", "2");
    // No logical replication launcher: a process (about 1 MB) per sandbox for subscriptions, which
    // the learner role may not create.
    settings.put("max_logical_replication_workers", "0");
    settings.put("max_parallel_workers", "0");
    settings.put("max_parallel_workers_per_gather", "0");
    settings.put("max_wal_senders", "0");
    settings.put("wal_level", "minimal");
    settings.put("fsync", "off");
    settings.put("full_page_writes", "off");
    // A table created and filled in one transaction (CREATE TABLE AS, a COPY into a new table) is
    // written to its file at commit rather than also copied into the WAL page by page: with
    // wal_level=minimal that is all crash safety needs, and a publish then writes it out once.
    settings.put("wal_skip_threshold", "0");
    settings.put("checkpoint_timeout", "1h");
    settings.put("max_wal_size", "256MB");
    // No autovacuum: a state is what its chain wrote, whereas an automatic ANALYZE or VACUUM lands
    // in whichever snapshot comes after it, so a replay of the same chain would publish other
    // statistics and plans than the run it replays. Learners run ANALYZE and VACUUM themselves, as
    // in a lesson on plans they should; and no launcher process runs in every sandbox.
    settings.put("autovacuum", "off");
    settings.put("logging_collector", "off");
    settings.put("log_min_messages", "warning");
    settings.put("temp_file_limit", "256MB");
    settings.put("work_mem", "4MB");
    settings.put("maintenance_work_mem", "16MB");
    settings.put("idle_in_transaction_session_timeout", "10min");
    settings.put("timezone", "UTC");
    settings.put("lc_messages", "C");
    return java.util.Collections.unmodifiableMap(settings);
  }

  private PostgresInstance instance(SandboxId id) {
    return instances.computeIfAbsent(id, key -> new PostgresInstance(binaries, account, runner, spec(key)));
  }

  private PostgresInstance.Spec spec(SandboxId id) {
    return new PostgresInstance.Spec(workspace(id), socketDirectory(id), data.logs().resolve("sandboxes").resolve(id + ".log"),
        SETTINGS, processMemoryLimitBytes);
  }

  /**
   * The socket directory: 16 hex digits of the id, because a socket's whole path must fit in 107
   * characters. Two sandboxes sharing them is a 1 in 2^64 event that makes the second fail to start.
   */
  private Path socketDirectory(SandboxId id) {
    return data.sockets().resolve(id.value().substring(3, 19));
  }

  Path workspace(SandboxId id) {
    return snapshots.workspaces().resolve(id.value());
  }

  @Override
  public void materialize(SandboxId id, StateId state) {
    Path workspace = workspace(id);
    snapshots.restore(state, workspace);
    try {
      // A snapshot of a running server holds its lock file; the clone has no server yet.
      Files.deleteIfExists(workspace.resolve("postmaster.pid"));
      Files.deleteIfExists(workspace.resolve("postmaster.opts"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starting servers takes the read side, {@link #stopAll()} the write side: a start in progress
   * finishes before everything is stopped, and none begins after, so no server outlives the role.
   */
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed;

  private void startServer(PostgresInstance instance) {
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new TaidonException(ErrorCode.ROLE_UNAVAILABLE, "env-manager is stopping; no sandbox starts now");
      }
      instance.start(startTimeout);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public void initialize(SandboxId id) {
    snapshots.createWorkspace(workspace(id));
    PostgresInstance instance = instance(id);
    instance.initdb(List.of("--no-sync"));
    startServer(instance);
    try (Connection connection = instance.connect("postgres"); Statement statement = connection.createStatement()) {
      // Real scripts create databases and roles (chinook, clubdata), and a sandbox is the learner's
      // own server. Since PostgreSQL 16 CREATEROLE only manages roles its holder created, so neither
      // grants a way to superuser or to the predefined pg_* roles; tests prove it.
      statement.execute("CREATE ROLE " + LEARNER + " LOGIN NOSUPERUSER CREATEDB CREATEROLE NOREPLICATION NOBYPASSRLS");
      statement.execute("CREATE DATABASE " + LEARNER + " OWNER " + LEARNER + " TEMPLATE template0");
      // So that the runner can checkpoint over the learner's own session before a publish
      // (Checkpoint.DONE_BY_CALLER) instead of the env-manager keeping a superuser backend per sandbox.
      // CHECKPOINT only writes what the server holds dirty; without ADMIN OPTION it cannot be passed on.
      statement.execute("GRANT pg_checkpoint TO " + LEARNER);
      statement.execute("REVOKE ALL ON DATABASE postgres FROM PUBLIC");
      statement.execute("REVOKE ALL ON DATABASE template1 FROM PUBLIC");
    } catch (SQLException e) {
      throw new TaidonException(ErrorCode.SANDBOX_FAILED, "cannot prepare the learner database: " + e.getMessage(), e);
    }
    try (Connection connection = instance.connect(LEARNER); Statement statement = connection.createStatement()) {
      statement.execute("ALTER SCHEMA public OWNER TO " + LEARNER);
    } catch (SQLException e) {
      throw new TaidonException(ErrorCode.SANDBOX_FAILED, "cannot prepare the learner schema: " + e.getMessage(), e);
    }
  }

  @Override
  public SandboxEndpoint start(SandboxId id) {
    if (!Files.isDirectory(workspace(id))) {
      throw new TaidonException(ErrorCode.NOT_FOUND, "sandbox " + id + " has no data on this machine");
    }
    PostgresInstance instance = instance(id);
    startServer(instance);
    return new SandboxEndpoint(instance.jdbcUrl(LEARNER), LEARNER, LEARNER,
        "unix:" + UnixSocketJdbc.socketFile(instance.spec().socketDirectory()).toAbsolutePath());
  }

  /**
   * Connects once to every database that takes connections: a new server's first backend in a
   * database rebuilds the relation cache file ({@code pg_internal.init}) and reads the catalogs
   * from disk, which a learner's first connection would otherwise wait for. No connection stays
   * open: the runner checkpoints over its own session before it publishes.
   */
  @Override
  public void warmUp(SandboxId id) {
    PostgresInstance instance = instances.get(id);
    if (instance == null || !instance.isRunning()) {
      return;
    }
    try {
      List<String> databases = new ArrayList<>();
      try (Connection connection = instance.connect("postgres"); Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery(
              "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate AND datname <> 'postgres'")) {
        while (rows.next()) {
          databases.add(rows.getString(1));
        }
      }
      for (String database : databases) {
        try (Connection connection = instance.connect(database); Statement statement = connection.createStatement()) {
          statement.execute("SELECT count(*) FROM pg_class");
        }
      }
    } catch (SQLException e) {
      log.debug("Could not warm sandbox {} up: {}", id, e.getMessage());
    }
  }

  @Override
  public void stop(SandboxId id) {
    closeCheckpointConnection(id);
    PostgresInstance instance = instances.get(id);
    if (instance != null) {
      instance.stop();
    }
  }

  @Override
  public void destroy(SandboxId id) {
    closeCheckpointConnection(id);
    PostgresInstance instance = instance(id);
    // A server left by an earlier platform process is found through the data directory's pid file.
    instance.stopOrphan();
    // Not a moment earlier than the last of the server's processes exits: see stopDiscardingData.
    instance.stopDiscardingData();
    snapshots.deleteWorkspace(workspace(id));
    instances.remove(id);
    try {
      // A server that was killed leaves its socket and the socket's lock file behind.
      try (Stream<Path> left = Files.list(socketDirectory(id))) {
        for (Path file : left.toList()) {
          Files.deleteIfExists(file);
        }
      } catch (java.nio.file.NoSuchFileException neverStarted) {
        // No server ever ran for this sandbox in this data directory.
      }
      Files.deleteIfExists(socketDirectory(id));
      Files.deleteIfExists(data.logs().resolve("sandboxes").resolve(id + ".log"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void snapshot(SandboxId id, NewState state, Checkpoint checkpoint) {
    PostgresInstance instance = instance(id);
    boolean running = instance.isRunning();
    if (running && snapshots.backend().atomicSnapshots()) {
      if (checkpoint == Checkpoint.BY_ENV_MANAGER) {
        checkpoint(id, instance);
      }
      snapshots.publish(workspace(id), state);
      return;
    }
    closeCheckpointConnection(id);
    instance.stop();
    try {
      snapshots.publish(workspace(id), state);
    } finally {
      if (running) {
        startServer(instance);
      }
    }
  }

  @Override
  public void stopAll() {
    lifecycle.writeLock().lock();
    try {
      closed = true;
      checkpointConnections.keySet().forEach(this::closeCheckpointConnection);
      instances.values().forEach(PostgresInstance::stop);
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  private void checkpoint(SandboxId id, PostgresInstance instance) {
    try (Statement statement = checkpointConnection(id, instance).createStatement()) {
      statement.execute("CHECKPOINT");
    } catch (SQLException e) {
      closeCheckpointConnection(id);
      throw new TaidonException(ErrorCode.SANDBOX_FAILED, "sandbox " + id + ": CHECKPOINT failed: " + e.getMessage(), e);
    }
  }

  /** The sandbox's kept superuser connection to {@code postgres}, opened again when it is gone. */
  private Connection checkpointConnection(SandboxId id, PostgresInstance instance) throws SQLException {
    Connection connection = checkpointConnections.get(id);
    if (connection == null || !connection.isValid(1)) {
      closeCheckpointConnection(id);
      connection = instance.connect("postgres");
      checkpointConnections.put(id, connection);
    }
    return connection;
  }

  private void closeCheckpointConnection(SandboxId id) {
    Connection connection = checkpointConnections.remove(id);
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // The server is going away; its end of the connection goes with it.
      }
    }
  }

  @Override
  public Presence presence(SandboxId id) {
    PostgresInstance instance = instances.get(id);
    if (instance != null && instance.isRunning()) {
      return Presence.HOT;
    }
    return Files.isDirectory(workspace(id)) ? Presence.WARM : Presence.COLD;
  }

  @Override
  public Set<SandboxId> present() {
    Set<SandboxId> ids = new TreeSet<>(java.util.Comparator.comparing(SandboxId::value));
    try (Stream<Path> entries = Files.list(snapshots.workspaces())) {
      entries.map(path -> path.getFileName().toString()).filter(name -> name.matches("sb-[0-9a-f]{32}"))
          .forEach(name -> ids.add(new SandboxId(name)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ids;
  }

  @Override
  public long diskUsage(SandboxId id) {
    return DiskUsage.bytes(workspace(id));
  }

  @Override
  public Optional<ServerWrites> writes(SandboxId id) {
    PostgresInstance instance = instances.get(id);
    OptionalLong postmaster = instance == null ? OptionalLong.empty() : instance.pid();
    if (postmaster.isEmpty()) {
      return Optional.empty();
    }
    // The postmaster's pid tells servers apart: PIDs are not reused within the watchdog's interval
    // of measuring every sandbox anyway.
    OptionalLong written = accounting.bytesWritten(postmaster.getAsLong());
    return written.isEmpty() ? Optional.empty()
        : Optional.of(new ServerWrites(postmaster.getAsLong(), written.getAsLong()));
  }

  /** Stops servers that an earlier platform process left running on sandbox data directories. */
  void stopOrphans() {
    for (SandboxId id : present()) {
      instance(id).stopOrphan();
    }
  }
}
