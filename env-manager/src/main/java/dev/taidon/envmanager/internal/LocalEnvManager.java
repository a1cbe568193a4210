package dev.taidon.envmanager.internal;

import dev.taidon.core.FieldDigest;
import dev.taidon.envmanager.EngineInfo;
import dev.taidon.envmanager.EnvManager;
import dev.taidon.pg.PostgresBinaries;
import java.util.ArrayList;
import java.util.List;

/** The env-manager whose sandboxes are PostgreSQL processes on this machine. */
final class LocalEnvManager implements EnvManager {
  /** Raised whenever the layout of a stored state changes incompatibly. */
  static final int STATE_FORMAT_VERSION = 1;
  /**
   * How sandbox clusters are created. Part of the engine fingerprint: changing them changes every
   * state id. UTF-8 and the C locale make sorting and formatting independent of the host.
   */
  static final List<String> SANDBOX_INITDB_OPTIONS = List.of("--encoding=UTF8", "--locale=C", "--auth=trust");

  private final EngineInfo engine;

  LocalEnvManager(PostgresBinaries binaries) {
    this.engine = describe(binaries.version(), SANDBOX_INITDB_OPTIONS, STATE_FORMAT_VERSION);
  }

  @Override
  public EngineInfo engine() {
    return engine;
  }

  static EngineInfo describe(String version, List<String> initdbOptions, int formatVersion) {
    List<String> fields = new ArrayList<>();
    fields.add(version);
    fields.add(Integer.toString(initdbOptions.size()));
    fields.addAll(initdbOptions);
    fields.add(Integer.toString(formatVersion));
    return new EngineInfo(version, initdbOptions, formatVersion, FieldDigest.sha256(fields));
  }
}
