package dev.taidon.envmanager.internal;

import dev.taidon.core.FieldDigest;
import dev.taidon.envmanager.EngineInfo;
import java.util.ArrayList;
import java.util.List;

/** The engine sandboxes run on, and its fingerprint: the root of every state id. */
final class EngineDescription {
  /**
   * Raised whenever the layout of a stored state or the sandbox set-up changes incompatibly. 3: the
   * learner role holds {@code pg_checkpoint}.
   */
  static final int STATE_FORMAT_VERSION = 3;
  /**
   * How sandbox clusters are created. Part of the fingerprint: changing them changes every state id.
   * UTF-8 and the C locale make sorting and formatting independent of the host.
   */
  static final List<String> SANDBOX_INITDB_OPTIONS = List.of("--encoding=UTF8", "--locale=C", "--auth=trust");

  private EngineDescription() {}

  static EngineInfo describe(String version, List<String> initdbOptions, int formatVersion) {
    List<String> fields = new ArrayList<>();
    fields.add(version);
    fields.add(Integer.toString(initdbOptions.size()));
    fields.addAll(initdbOptions);
    fields.add(Integer.toString(formatVersion));
    return new EngineInfo(version, initdbOptions, formatVersion, FieldDigest.sha256(fields));
  }

  static EngineInfo of(String postgresVersion) {
    return describe(postgresVersion, SANDBOX_INITDB_OPTIONS, STATE_FORMAT_VERSION);
  }
}
