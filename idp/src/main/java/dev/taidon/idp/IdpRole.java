package dev.taidon.idp;

import dev.taidon.idp.internal.IdpConfiguration;
import dev.taidon.core.role.RoleModule;
import java.util.List;
import java.util.Set;

/** The idp role: anonymous sessions, accounts, external OIDC login and signed tokens. */
public final class IdpRole implements RoleModule {
  public static final String NAME = "idp";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "anonymous sessions, accounts, external OIDC login and signed tokens.";
  }

  @Override
  public Set<String> dependsOn() {
    return Set.of("audit-log");
  }

  @Override
  public Class<?> configuration() {
    return IdpConfiguration.class;
  }

  @Override
  public List<Class<?>> api() {
    return List.of();
  }
}
