package dev.taidon.envmanager;

/** How present a sandbox is on the machine. */
public enum Presence {
  /** Running: answers queries now. */
  HOT,
  /** Stopped with its data kept: starts in the time PostgreSQL takes to start. */
  WARM,
  /** Only its last state remains: recreated from the state cache on next use. */
  COLD
}
