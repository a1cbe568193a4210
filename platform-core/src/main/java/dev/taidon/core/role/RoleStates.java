package dev.taidon.core.role;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The status of every role that runs in this process; written by the server's lifecycle. */
public final class RoleStates {
  private final Map<String, RoleStatus> states = Collections.synchronizedMap(new LinkedHashMap<>());

  public RoleStates(List<String> localRoles) {
    localRoles.forEach(role -> states.put(role, RoleStatus.DOWN));
  }

  public void set(String role, RoleStatus status) {
    if (!states.containsKey(role)) {
      throw new IllegalArgumentException("role " + role + " does not run in this process");
    }
    states.put(role, status);
  }

  public RoleStatus get(String role) {
    return states.getOrDefault(role, RoleStatus.DOWN);
  }

  /** A copy of the current statuses in dependency order. */
  public Map<String, RoleStatus> snapshot() {
    synchronized (states) {
      return Collections.unmodifiableMap(new LinkedHashMap<>(states));
    }
  }
}
