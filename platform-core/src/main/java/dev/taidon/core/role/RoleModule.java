package dev.taidon.core.role;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Describes one role of the platform (gateway, sql-runner, …) to the server that may run it.
 *
 * <p>Each role module publishes exactly one implementation at its package root. The server reads
 * these descriptors to order start-up, to decide which roles run in this process and which are
 * reached over HTTP, and to wire the role's {@link #api() API interfaces} to either the local
 * implementation or a remote proxy.
 */
public interface RoleModule {

  /** The role's name as used in {@code --target}, lower case with dashes. */
  String name();

  /** One line saying what the role owns, shown by {@code --list-targets}. */
  String description();

  /** The roles whose APIs this role calls; they start before it when co-located. */
  Set<String> dependsOn();

  /** The Spring configuration that builds the role's internals when it runs in this process. */
  Class<?> configuration();

  /**
   * The interfaces other roles may call. Every method must have a unique name within its interface
   * and take and return JSON-serialisable values, because the same interface is served over HTTP
   * when the caller runs in another process.
   */
  List<Class<?>> api();

  /**
   * The control-database schema this role owns, migrated by Flyway from
   * {@code classpath:db/migration/<role name>} before the role starts; empty when it keeps no
   * tables.
   */
  default Optional<String> schema() {
    return Optional.empty();
  }
}
