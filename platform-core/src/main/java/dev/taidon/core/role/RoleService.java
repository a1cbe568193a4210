package dev.taidon.core.role;

/**
 * A part of a role that must be started after the role's dependencies are up and stopped before
 * they go down. The server starts the services of each local role in dependency order, after the
 * role's schema is migrated, and stops them in reverse order.
 */
public interface RoleService {

  /** The name of the role this service belongs to. */
  String role();

  void start();

  void stop();
}
