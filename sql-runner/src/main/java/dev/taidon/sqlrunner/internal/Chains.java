package dev.taidon.sqlrunner.internal;

import dev.taidon.core.FieldDigest;
import dev.taidon.snapshotcache.StateId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * State ids of chains (DESIGN §3): {@code stateId = H(parent, stepDigest, settingsDigest)}. A step's
 * digest covers its text and its kind, because a cell continues the session of the cell before it
 * while a script starts a session of its own; cell ids and file names are left out.
 */
final class Chains {
  /** The session settings every step runs under. */
  static final String SETTINGS_DIGEST = settingsDigest(SandboxSession.PINNED);

  private Chains() {}

  static String settingsDigest(Map<String, String> pinned) {
    List<String> fields = new ArrayList<>();
    pinned.forEach((name, value) -> {
      fields.add(name);
      fields.add(value);
    });
    return FieldDigest.sha256(fields);
  }

  static String cellDigest(String sql) {
    return FieldDigest.sha256(List.of("cell", sql));
  }

  static String scriptDigest(String text) {
    return scriptDigest(List.of(text));
  }

  /** A script's digest: its text and the text of every file it included, in the order they were read. */
  static String scriptDigest(List<String> texts) {
    List<String> fields = new ArrayList<>();
    fields.add("script");
    fields.addAll(texts);
    return FieldDigest.sha256(fields);
  }

  /** The state after each cell, in order, starting from {@code base}. */
  static List<StateId> cellStates(StateId base, List<String> cellSql) {
    List<StateId> states = new ArrayList<>(cellSql.size());
    StateId parent = base;
    for (String sql : cellSql) {
      parent = parent.child(cellDigest(sql), SETTINGS_DIGEST);
      states.add(parent);
    }
    return states;
  }
}
