package dev.taidon.sqlrunner.internal;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.sqlrunner.internal.wire.ResultLimits;
import dev.taidon.sqlrunner.script.ScriptParser;
import dev.taidon.sqlrunner.internal.wire.ResultListener;
import dev.taidon.sqlrunner.internal.wire.ServerMessage;
import dev.taidon.sqlrunner.internal.wire.StatementResult;
import dev.taidon.sqlrunner.internal.wire.TransactionStatus;
import dev.taidon.sqlrunner.internal.wire.WireAddress;
import dev.taidon.sqlrunner.internal.wire.WireSession;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The runner's session with one sandbox: a protocol session as the learner role on the current
 * database, which {@code \connect} replaces. Session settings are pinned in the start-up message so
 * replays behave alike wherever and whenever they run.
 */
final class SandboxSession implements AutoCloseable {
  /**
   * What every session starts with. Part of every state id (through {@link Chains#SETTINGS_DIGEST}):
   * changing one changes what steps produce.
   */
  static final Map<String, String> PINNED = new TreeMap<>(Map.of(
      "TimeZone", "UTC",
      "DateStyle", "ISO, MDY",
      "IntervalStyle", "postgres",
      "extra_float_digits", "1",
      "bytea_output", "hex",
      "standard_conforming_strings", "on",
      "client_min_messages", "notice",
      "application_name", "taidon"));

  /** One round trip that says whether a step wrote (the next transaction id moved) and what it SET. */
  private static final String PROBE = """
      SELECT pg_catalog.pg_snapshot_xmax(pg_catalog.pg_current_snapshot())::pg_catalog.text,
             (SELECT pg_catalog.json_object_agg(s.name, s.setting ORDER BY s.name)::pg_catalog.text
              FROM pg_catalog.pg_settings s WHERE s.source OPERATOR(pg_catalog.=) 'session')""";

  /**
   * What a session holds besides settings and outlives a transaction's rollback: prepared
   * statements, cursors and session-level advisory locks, as one digest.
   */
  private static final String SESSION_OBJECTS = """
      SELECT pg_catalog.md5(pg_catalog.concat_ws(' ',
        (SELECT pg_catalog.string_agg(p.name OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) p.statement, ','
                ORDER BY p.name) FROM pg_catalog.pg_prepared_statements p),
        (SELECT pg_catalog.string_agg(c.name, ',' ORDER BY c.name) FROM pg_catalog.pg_cursors c),
        (SELECT pg_catalog.count(*) FROM pg_catalog.pg_locks l
         WHERE l.pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid()
           AND l.locktype OPERATOR(pg_catalog.=) 'advisory'))),
             EXISTS (SELECT FROM pg_catalog.pg_cursors)""";

  private final WireAddress address;
  private final String user;
  private WireSession wire;
  private String database;

  private SandboxSession(WireAddress address, String user, String database, WireSession wire) {
    this.address = address;
    this.user = user;
    this.database = database;
    this.wire = wire;
  }

  static SandboxSession open(WireAddress address, String user, String database) {
    return new SandboxSession(address, user, database, WireSession.connect(address, user, database, PINNED));
  }

  /** Replaces the session by one on {@code newDatabase}; the old one is kept when the server refuses. */
  void connect(String newDatabase) {
    WireSession replacement = WireSession.connect(address, user, newDatabase, PINNED);
    wire.close();
    wire = replacement;
    database = newDatabase;
  }

  StatementResult execute(String sql, List<String> copyData, ResultListener listener, ResultLimits limits) {
    return wire.execute(sql, copyData, listener, limits);
  }

  WireSession wire() {
    return wire;
  }

  String database() {
    return database;
  }

  String user() {
    return user;
  }

  TransactionStatus transactionStatus() {
    return wire.transactionStatus();
  }

  boolean isAlive() {
    return wire.isAlive();
  }

  /** What the probe saw after a step: the next transaction id and the settings the session SET. */
  record Probe(String nextTransactionId, Map<String, String> settings) {}

  /** Runs the probe; empty inside a transaction block, where it would say nothing reliable. */
  Optional<Probe> probe(tools.jackson.databind.json.JsonMapper json) {
    if (wire.transactionStatus() != TransactionStatus.IDLE) {
      return Optional.empty();
    }
    FirstRow answer = firstRow(PROBE, 1024 * 1024);
    if (answer.result().error().isPresent() || answer.values().isEmpty() || answer.values().get(0) == null) {
      return Optional.empty();
    }
    Map<String, String> settings = new TreeMap<>();
    String set = answer.values().get(1);
    if (set != null) {
      json.readTree(set).properties().forEach(entry -> settings.put(entry.getKey(), entry.getValue().asString()));
    }
    return Optional.of(new Probe(answer.values().get(0), settings));
  }

  /**
   * What outlives a rollback in this session besides settings.
   *
   * @param digest prepared statements, cursors and advisory locks, digested
   * @param cursors whether a cursor is open: moving one is not undone by a rollback and not seen in
   *     the digest
   */
  record SessionObjects(String digest, boolean cursors) {}

  /**
   * Opens a read-only transaction and takes its snapshot at once, so that the transaction can no
   * longer be made read-write ({@code SET transaction_read_only} is refused after the first
   * query). Returns what the session held as it began.
   *
   * @throws TaidonException when the server refuses or the session is lost; the transaction may
   *     then not be read-only, so nothing may run in it
   */
  SessionObjects beginReadOnly() {
    return sessionObjects("BEGIN TRANSACTION READ ONLY; " + SESSION_OBJECTS, TransactionStatus.OPEN);
  }

  /** Rolls the read-only transaction back and returns what the session holds afterwards. */
  SessionObjects rollbackReadOnly() {
    return sessionObjects("ROLLBACK; " + SESSION_OBJECTS, TransactionStatus.IDLE);
  }

  private SessionObjects sessionObjects(String sql, TransactionStatus expected) {
    FirstRow answer = firstRow(sql, 1024);
    StatementResult result = answer.result();
    if (result.error().isPresent() || answer.values().isEmpty() || result.status() != expected) {
      throw new TaidonException(ErrorCode.SANDBOX_FAILED, "the sandbox did not answer " + sql.substring(0, sql.indexOf(';'))
          + " as expected: " + result.error().map(ServerMessage::message).orElse("transaction status " + result.status()));
    }
    return new SessionObjects(answer.values().get(0), "t".equals(answer.values().get(1)));
  }

  private record FirstRow(List<String> values, StatementResult result) {}

  /** Runs runner SQL whose one row is wanted; {@code values} is empty if no row came. */
  private FirstRow firstRow(String sql, int maxBytes) {
    List<List<String>> rows = new java.util.ArrayList<>(1);
    StatementResult result = wire.execute(sql, null, new ResultListener() {
      @Override
      public void row(List<String> row, boolean cut) {
        rows.add(row);
      }
    }, new ResultLimits(1, maxBytes, maxBytes));
    return new FirstRow(rows.isEmpty() ? List.of() : rows.getFirst(), result);
  }

  /**
   * Makes the session's SET settings exactly {@code settings}: everything else back to what the
   * session started with. One round trip.
   */
  void applySettings(Map<String, String> current, Map<String, String> wanted) {
    if (current.equals(wanted)) {
      return;
    }
    StringBuilder sql = new StringBuilder("RESET ALL");
    if (!wanted.isEmpty()) {
      sql.append("; SELECT ");
      boolean first = true;
      for (Map.Entry<String, String> entry : wanted.entrySet()) {
        sql.append(first ? "" : ", ").append("pg_catalog.set_config(").append(ScriptParser.literal(entry.getKey())).append(", ")
            .append(ScriptParser.literal(entry.getValue())).append(", false)");
        first = false;
      }
    }
    wire.execute(sql.toString(), null, new ResultListener() {}, ResultLimits.NONE);
  }

  /**
   * Freezes and analyzes every table the session's user owns in its database ({@code VACUUM
   * (FREEZE, ANALYZE)}), for a state many learners will start from: their first reads then find
   * every row's visibility settled, so they do not dirty the pages (and a snapshot of their work
   * does not write them again), and the planner has statistics from the start. Does nothing inside
   * a transaction block; returns whether it ran without error.
   */
  boolean settle() {
    if (wire.transactionStatus() != TransactionStatus.IDLE) {
      return false;
    }
    return wire.execute("VACUUM (FREEZE, ANALYZE)", null, new ResultListener() {}, ResultLimits.NONE).error().isEmpty();
  }

  /**
   * Runs CHECKPOINT in this session, for a publish right after it ({@code Checkpoint.DONE_BY_CALLER}).
   * False inside a transaction block, or when the server refuses: after {@code SET ROLE} to a role
   * without {@code pg_checkpoint}, or under a {@code statement_timeout} the learner set too short;
   * the env-manager then checkpoints over its own connection.
   */
  boolean checkpoint() {
    if (wire.transactionStatus() != TransactionStatus.IDLE) {
      return false;
    }
    return wire.execute("CHECKPOINT", null, new ResultListener() {}, ResultLimits.NONE).error().isEmpty();
  }

  @Override
  public void close() {
    wire.close();
  }
}
