package dev.taidon.core.role;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Describes one role of the platform (gateway, sql-runner, …) to the server that may run it.
 *
 * <p>Each role module publishes exactly one at its package root. The server reads these
 * descriptors to order start-up, to decide which roles run in this process and which are reached
 * over HTTP, and to wire the role's API interfaces to either the local implementation or a remote
 * proxy.
 *
 * @param name the role's name as used in {@code --target}, lower case with dashes
 * @param description one line saying what the role owns, shown by {@code --list-targets}
 * @param dependsOn the roles whose APIs this role calls; they start before it when co-located
 * @param configuration the Spring configuration, in the role's {@code internal} package, that builds
 *     the role's internals when it runs in this process
 * @param api the interfaces other roles may call. Every method must have a unique name within its
 *     interface and take and return JSON-serialisable values, because the same interface is served
 *     over HTTP when the caller runs in another process
 * @param schema the control-database schema this role owns, migrated by Flyway from
 *     {@code classpath:db/migration/<role name>} before the role starts; empty when it keeps no tables
 */
public record RoleModule(
    String name,
    String description,
    Set<String> dependsOn,
    Class<?> configuration,
    List<Class<?>> api,
    Optional<String> schema) {

  public RoleModule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    dependsOn = Set.copyOf(dependsOn);
    Objects.requireNonNull(configuration, "configuration");
    api = List.copyOf(api);
    Objects.requireNonNull(schema, "schema");
  }

  /** The role's package: the package of its configuration, without the trailing {@code .internal}. */
  public String basePackage() {
    String configurationPackage = configuration.getPackageName();
    return configurationPackage.endsWith(".internal")
        ? configurationPackage.substring(0, configurationPackage.length() - ".internal".length())
        : configurationPackage;
  }
}
