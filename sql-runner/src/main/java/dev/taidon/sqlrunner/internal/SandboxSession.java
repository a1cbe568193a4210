package dev.taidon.sqlrunner.internal;

import dev.taidon.sqlrunner.internal.wire.ResultLimits;
import dev.taidon.sqlrunner.script.ScriptParser;
import dev.taidon.sqlrunner.internal.wire.ResultListener;
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
    String[] values = new String[2];
    StatementResult result = wire.execute(PROBE, null, new ResultListener() {
      @Override
      public void row(List<String> row, boolean cut) {
        values[0] = row.get(0);
        values[1] = row.get(1);
      }
    }, new ResultLimits(1, 1024 * 1024, 1024 * 1024));
    if (result.error().isPresent() || values[0] == null) {
      return Optional.empty();
    }
    Map<String, String> settings = new TreeMap<>();
    if (values[1] != null) {
      json.readTree(values[1]).properties().forEach(entry -> settings.put(entry.getKey(), entry.getValue().asString()));
    }
    return Optional.of(new Probe(values[0], settings));
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

  @Override
  public void close() {
    wire.close();
  }
}
