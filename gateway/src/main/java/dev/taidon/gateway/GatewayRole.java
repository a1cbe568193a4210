package dev.taidon.gateway;

import dev.taidon.core.role.RoleModule;
import dev.taidon.gateway.internal.GatewayConfiguration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The gateway role: the only public entry: SPA hosting, routing to roles, RFC 9457 errors. */
public final class GatewayRole {
  public static final String NAME = "gateway";

  public static final RoleModule MODULE = new RoleModule(
      NAME,
      "the only public entry: SPA hosting, routing to roles, RFC 9457 errors.",
      Set.of("idp", "user-profile", "vcs-sync", "sql-runner", "env-manager", "audit-log"),
      GatewayConfiguration.class,
      List.of(),
      Optional.of("gateway"));

  private GatewayRole() {}
}
