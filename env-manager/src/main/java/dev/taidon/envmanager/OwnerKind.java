package dev.taidon.envmanager;

/** Whose a sandbox is, which decides its quotas and idle times. */
public enum OwnerKind {
  ANONYMOUS,
  REGISTERED,
  /** Pre-started by the platform and not yet handed to anyone. */
  POOL
}
