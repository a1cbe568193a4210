package dev.taidon.gateway;

import dev.taidon.gateway.internal.GatewayConfiguration;
import dev.taidon.core.role.RoleModule;
import java.util.List;
import java.util.Set;

/** The gateway role: the only public entry: SPA hosting, routing to roles, RFC 9457 errors. */
public final class GatewayRole implements RoleModule {
  public static final String NAME = "gateway";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "the only public entry: SPA hosting, routing to roles, RFC 9457 errors.";
  }

  @Override
  public Set<String> dependsOn() {
    return Set.of("idp", "user-profile", "vcs-sync", "sql-runner", "env-manager", "audit-log");
  }

  @Override
  public Class<?> configuration() {
    return GatewayConfiguration.class;
  }

  @Override
  public List<Class<?>> api() {
    return List.of();
  }
}
