package dev.taidon.core.role;

/** Where a role is in its life in one process, as reported to operators and to other processes. */
public enum RoleStatus {
  STARTING,
  UP,
  STOPPING,
  DOWN
}
