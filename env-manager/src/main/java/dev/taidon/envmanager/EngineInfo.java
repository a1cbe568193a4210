package dev.taidon.envmanager;

import java.util.List;

/**
 * The PostgreSQL engine sandboxes run on. Anything that can change what a chain of SQL steps
 * produces is part of the {@link #fingerprint()}, which is the root of every state id: a new engine
 * version or initdb option set starts a new state tree instead of reusing states built by another.
 *
 * @param postgresVersion the server version, e.g. {@code 18.3}
 * @param initdbOptions the options sandbox clusters are created with
 * @param stateFormatVersion the version of the platform's on-disk state format
 * @param fingerprint SHA-256 over the three fields above, length-prefixed, hex
 */
public record EngineInfo(String postgresVersion, List<String> initdbOptions, int stateFormatVersion, String fingerprint) {
  public EngineInfo {
    initdbOptions = List.copyOf(initdbOptions);
  }
}
