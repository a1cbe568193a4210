package dev.taidon.pg;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.core.command.Command;
import dev.taidon.core.command.CommandRunner;
import dev.taidon.pg.ProcessSignals.Signal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One local PostgreSQL cluster: a data directory, served by a {@code postgres} process that
 * listens only on a Unix socket in a directory of its own (never on TCP).
 *
 * <p>Start-up launches {@code postgres} directly and polls, every {@link #POLL_INTERVAL}, for its
 * socket and for the status its lock file gives once the server accepts connections (what {@code
 * pg_ctl -w} reads every 100 ms), so no connection is spent on the check. Stopping is a fast
 * shutdown (SIGINT): open transactions are rolled back and the data directory is left consistent.
 */
public final class PostgresInstance {
  /** The superuser every cluster is created with. */
  public static final String SUPERUSER = "postgres";

  private static final Logger log = LoggerFactory.getLogger(PostgresInstance.class);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(2);

  private final PostgresBinaries binaries;
  private final OsAccount account;
  private final CommandRunner runner;
  private final ProcessSignals signals;
  private final Spec spec;
  private Process process;

  /**
   * Where a cluster lives and how its server is configured.
   *
   * @param dataDirectory the cluster's data directory ({@code PGDATA})
   * @param socketDirectory a directory only the platform can enter, holding the server's socket
   * @param logFile where the server's output is appended
   * @param settings server settings passed as {@code -c name=value}, in order
   * @param processDataLimitBytes the most private memory (heap, private mappings; not the shared
   *     buffers) each of the server's processes may take, set as their {@code RLIMIT_DATA}: a
   *     backend that asks for more gets PostgreSQL's "out of memory" error (SQLSTATE 53200) and the
   *     server carries on; 0 for no limit
   */
  public record Spec(Path dataDirectory, Path socketDirectory, Path logFile, Map<String, String> settings,
      long processDataLimitBytes) {
    /** A server without a memory limit per process. */
    public Spec(Path dataDirectory, Path socketDirectory, Path logFile, Map<String, String> settings) {
      this(dataDirectory, socketDirectory, logFile, settings, 0);
    }

    public Spec {
      if (processDataLimitBytes < 0) {
        throw new IllegalArgumentException("a process data limit is 0 (none) or positive, not " + processDataLimitBytes);
      }
      dataDirectory = dataDirectory.toAbsolutePath().normalize();
      socketDirectory = socketDirectory.toAbsolutePath().normalize();
      logFile = logFile.toAbsolutePath().normalize();
      settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
      if (UnixSocketJdbc.socketFile(socketDirectory).toString().length() > UnixSocketJdbc.MAX_SOCKET_PATH) {
        throw new TaidonException(ErrorCode.DATA_DIRECTORY_UNUSABLE, "the socket path "
            + UnixSocketJdbc.socketFile(socketDirectory) + " is longer than the " + UnixSocketJdbc.MAX_SOCKET_PATH
            + " characters Unix sockets allow: choose a data directory with a shorter path");
      }
    }
  }

  public PostgresInstance(PostgresBinaries binaries, OsAccount account, CommandRunner runner, Spec spec) {
    this(binaries, account, runner, ProcessSignals.preferred(runner), spec);
  }

  /** @param signals how stop signals are sent */
  public PostgresInstance(PostgresBinaries binaries, OsAccount account, CommandRunner runner, ProcessSignals signals,
      Spec spec) {
    this.binaries = binaries;
    this.account = account;
    this.runner = runner;
    this.signals = signals;
    this.spec = spec;
  }

  public Spec spec() {
    return spec;
  }

  /** Whether the data directory already holds a cluster. */
  public boolean isInitialized() {
    return Files.exists(spec.dataDirectory().resolve("PG_VERSION"));
  }

  /**
   * Creates the cluster with {@code initdb}: superuser {@value #SUPERUSER}, trust authentication
   * (the socket directory is the access control), UTF-8 and the C locale so results never depend
   * on the host's locale.
   *
   * @param extraOptions further {@code initdb} options, e.g. {@code --no-sync} for throw-away clusters
   */
  public void initdb(List<String> extraOptions) {
    try {
      Files.createDirectories(spec.dataDirectory().getParent());
      if (!Files.isDirectory(spec.dataDirectory())) {
        Files.createDirectory(spec.dataDirectory());
      }
      Files.setPosixFilePermissions(spec.dataDirectory(), PosixFilePermissions.fromString("rwx------"));
      account.own(spec.dataDirectory());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + spec.dataDirectory(), e);
    }
    runner.run(initdbCommand(extraOptions).withTimeout(Duration.ofMinutes(2)));
  }

  Command initdbCommand(List<String> extraOptions) {
    List<String> argv = new ArrayList<>(List.of(binaries.initdb().toString(),
        "--pgdata=" + spec.dataDirectory(), "--username=" + SUPERUSER, "--auth=trust",
        "--encoding=UTF8", "--locale=C", "--no-instructions"));
    argv.addAll(extraOptions);
    // From /, which every account can enter, whatever directory the platform was started in.
    return Command.of(argv).prefixedWith(account.commandPrefix()).inDirectory(Path.of("/"));
  }

  Command serverCommand() {
    List<String> argv = new ArrayList<>(List.of(binaries.postgres().toString(), "-D", spec.dataDirectory().toString(),
        "-c", "listen_addresses=", "-c", "unix_socket_directories=" + spec.socketDirectory(),
        "-c", "unix_socket_permissions=0700", "-c", "port=" + UnixSocketJdbc.PORT));
    spec.settings().forEach((name, value) -> {
      argv.add("-c");
      argv.add(name + "=" + value);
    });
    List<String> prefix = new ArrayList<>();
    if (spec.processDataLimitBytes() > 0) {
      // Set before the account switch and inherited by every process the postmaster forks.
      String limit = Long.toString(spec.processDataLimitBytes());
      prefix.addAll(List.of("prlimit", "--data=" + limit + ":" + limit, "--"));
    }
    prefix.addAll(account.commandPrefix());
    // From /, which every account can enter, whatever directory the platform was started in.
    return Command.of(argv).prefixedWith(prefix).inDirectory(Path.of("/"));
  }

  /**
   * Starts the server and returns once it accepts connections: its socket exists and its lock file,
   * written by the process just launched, says {@code ready}. A server of an earlier run of the
   * platform that still serves this data directory is stopped first.
   *
   * @throws TaidonException with {@link ErrorCode#POSTGRES_FAILED} and the end of the server's log
   *     when it exits or does not accept connections within {@code timeout}
   */
  public synchronized void start(Duration timeout) {
    if (process != null && process.isAlive()) {
      return;
    }
    stopOrphan();
    prepareDirectories();
    long started = System.nanoTime();
    process = runner.start(serverCommand(), spec.logFile());
    long deadline = started + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw failure("exited with status " + process.exitValue() + " while starting", null);
      }
      if (Files.exists(UnixSocketJdbc.socketFile(spec.socketDirectory()))
          && acceptsConnections(lockFile(), process.pid())) {
        log.debug("PostgreSQL on {} accepts connections after {} ms", spec.dataDirectory(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return;
      }
      sleep(POLL_INTERVAL);
    }
    stop();
    throw failure("did not accept connections within " + timeout.toMillis() + " ms", null);
  }

  /** The lock file's lines; empty while it does not exist or cannot be read. */
  private List<String> lockFile() {
    try {
      return Files.readAllLines(spec.dataDirectory().resolve("postmaster.pid"), StandardCharsets.US_ASCII);
    } catch (IOException notThereOrNotReadable) {
      return List.of();
    }
  }

  /**
   * Whether a lock file's lines say that the postmaster {@code pid} accepts connections. Its first
   * line is the postmaster's process id, so a lock file left by an earlier server (killed, or in a
   * snapshot of a running one) never passes; its eighth is the status PostgreSQL sets to
   * {@code ready} once it accepts connections ({@code starting} and {@code stopping} before and
   * after, {@code standby} for a hot standby, which a sandbox never is).
   */
  static boolean acceptsConnections(List<String> lockFile, long pid) {
    if (lockFile.size() < 8) {
      return false;
    }
    try {
      return Long.parseLong(lockFile.getFirst().strip()) == pid && lockFile.get(7).strip().equals("ready");
    } catch (NumberFormatException notAPid) {
      return false;
    }
  }

  private void prepareDirectories() {
    try {
      Files.createDirectories(spec.socketDirectory().getParent());
      if (!Files.isDirectory(spec.socketDirectory())) {
        Files.createDirectory(spec.socketDirectory(), PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------")));
      }
      account.own(spec.socketDirectory());
      Files.createDirectories(spec.logFile().getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the directories of " + spec.dataDirectory(), e);
    }
  }

  /** Whether the server this object started is running. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** The process id of the running server. */
  public synchronized OptionalLong pid() {
    return isRunning() ? OptionalLong.of(process.pid()) : OptionalLong.empty();
  }

  /** A new connection to {@code database} as the superuser. */
  public Connection connect(String database) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", SUPERUSER);
    properties.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(jdbcUrl(database), properties);
  }

  public String jdbcUrl(String database) {
    return UnixSocketJdbc.url(spec.socketDirectory(), database);
  }

  /**
   * Stops the server with a fast shutdown and waits for it to exit; escalates to an immediate
   * shutdown, then to SIGKILL, when it does not exit in time. Does nothing when it is not running.
   * Returns once no process of the server is left (see {@link #stopDiscardingData()}).
   */
  public synchronized void stop() {
    stopWith(FAST_SHUTDOWN);
  }

  /**
   * Stops the server with an immediate shutdown (no shutdown checkpoint), for a data directory that
   * is thrown away: writing out its buffers would be wasted. Escalates to SIGKILL like
   * {@link #stop()}. Does nothing when the server is not running.
   *
   * <p>Returns only once no process of the server works in the data directory any more, so the
   * caller may delete it then and not before. PostgreSQL tells shared memory segments apart by the
   * device and inode numbers of their data directory, and btrfs gives every subvolume's root the
   * same inode number and hands a deleted subvolume's device number to the next subvolume made: a
   * server started there while a process of the old one still holds its segment takes that segment
   * for its own ("pre-existing shared memory block is still in use") and refuses to start.
   */
  public synchronized void stopDiscardingData() {
    stopWith(IMMEDIATE_SHUTDOWN);
  }

  private void stopWith(List<Signal> escalation) {
    if (process == null) {
      return;
    }
    end(process.toHandle(), escalation);
    process = null;
  }

  /**
   * Stops a server left running on this data directory by an earlier platform process (one that
   * crashed or was killed), so that the data directory has one owner again; also kills what a
   * postmaster that died without shutting down left working there.
   */
  public synchronized void stopOrphan() {
    Optional<Long> recorded = postmasterPid();
    if (recorded.isEmpty()) {
      // PostgreSQL removes its lock file in every shutdown it finishes: nothing was left running.
      return;
    }
    Optional<ProcessHandle> orphan = recorded.flatMap(ProcessHandle::of).filter(this::servesThisDirectory);
    if (orphan.isEmpty()) {
      killLeftovers();
    } else if (process == null || orphan.get().pid() != process.pid()) {
      log.warn("Stopping PostgreSQL (pid {}) left running on {} by an earlier run", orphan.get().pid(),
          spec.dataDirectory());
      end(orphan.get(), FAST_SHUTDOWN);
    }
  }

  /** Signals that stop a postmaster, gentlest first: fast shutdown, immediate shutdown, kill. */
  private static final List<Signal> FAST_SHUTDOWN = List.of(Signal.INT, Signal.QUIT, Signal.KILL);
  private static final List<Signal> IMMEDIATE_SHUTDOWN = List.of(Signal.QUIT, Signal.KILL);

  /**
   * Sends the postmaster {@code escalation}'s signals until it exits. A postmaster that shuts down
   * waits for all its children first; one that is killed, or was dead already, leaves its busy
   * backends running (they notice their postmaster is gone only when their query ends), so those
   * are killed too.
   */
  private void end(ProcessHandle postmaster, List<Signal> escalation) {
    for (Signal signal : escalation) {
      if (!postmaster.isAlive()) {
        break;
      }
      signals.send(postmaster.pid(), signal);
      if (exited(postmaster, signal) && signal != Signal.KILL) {
        return;
      }
    }
    killLeftovers();
  }

  /**
   * Kills every PostgreSQL process still working in the data directory and waits for them to exit.
   *
   * @throws TaidonException with {@link ErrorCode#POSTGRES_FAILED} when one outlives SIGKILL (a
   *     process stuck in the kernel), since deleting the data directory then is not safe
   */
  private void killLeftovers() {
    List<ProcessHandle> left = workingInDataDirectory();
    if (left.isEmpty()) {
      return;
    }
    log.warn("Killing {} PostgreSQL processes (pids {}) left working in {} by a server that did not shut down",
        left.size(), left.stream().map(ProcessHandle::pid).toList(), spec.dataDirectory());
    left.forEach(handle -> signals.send(handle.pid(), Signal.KILL));
    List<Long> survivors = left.stream().filter(handle -> !exited(handle, Signal.KILL)).map(ProcessHandle::pid).toList();
    if (!survivors.isEmpty()) {
      throw new TaidonException(ErrorCode.POSTGRES_FAILED, "PostgreSQL processes " + survivors + " working in "
          + spec.dataDirectory() + " did not exit after SIGKILL");
    }
  }

  /** The PostgreSQL processes whose working directory is the data directory, as every server process's is. */
  private List<ProcessHandle> workingInDataDirectory() {
    Path directory;
    try {
      directory = spec.dataDirectory().toRealPath();
    } catch (IOException gone) {
      return List.of();
    }
    return ProcessHandle.allProcesses().filter(handle -> {
      try {
        return Files.readSymbolicLink(Path.of("/proc", Long.toString(handle.pid()), "cwd")).equals(directory)
            && commandLine(handle.pid()).contains("postgres");
      } catch (IOException | SecurityException | UnsupportedOperationException e) {
        return false;
      }
    }).toList();
  }

  /**
   * Waits for the process to exit after {@code signal}: true when it did (or when interrupted,
   * which stops escalating), false when it outlived the signal's patience.
   */
  private static boolean exited(ProcessHandle handle, Signal signal) {
    int patience = signal == Signal.INT ? 30 : 10;
    try {
      handle.onExit().get(patience, TimeUnit.SECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      log.warn("PostgreSQL (pid {}) had not exited {} s after SIG{}", handle.pid(), patience, signal);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private Optional<Long> postmasterPid() {
    List<String> lines = lockFile();
    try {
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.getFirst().strip()));
    } catch (NumberFormatException notAPid) {
      return Optional.empty();
    }
  }

  private boolean servesThisDirectory(ProcessHandle handle) {
    String commandLine = commandLine(handle.pid());
    return commandLine.contains("postgres") && commandLine.contains(spec.dataDirectory().toString());
  }

  /** A process's command line with spaces between its arguments; empty when it cannot be read. */
  private static String commandLine(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }

  private TaidonException failure(String what, Throwable cause) {
    return new TaidonException(ErrorCode.POSTGRES_FAILED, "PostgreSQL on " + spec.dataDirectory() + " " + what
        + "; its log " + spec.logFile() + " ends with:\n" + logTail(), cause);
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(spec.logFile(), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaidonException(ErrorCode.POSTGRES_FAILED, "interrupted while waiting for PostgreSQL", e);
    }
  }
}
