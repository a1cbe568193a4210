package dev.taidon.envmanager;

/** Sandbox lifecycle on the pinned PostgreSQL engine. */
public interface EnvManager {

  /** The engine every sandbox runs on, and the fingerprint that roots every state id. */
  EngineInfo engine();
}
