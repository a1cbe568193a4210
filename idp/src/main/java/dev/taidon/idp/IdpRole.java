package dev.taidon.idp;

import dev.taidon.core.role.RoleModule;
import dev.taidon.idp.internal.IdpConfiguration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The idp role: anonymous sessions, accounts, external OIDC login and signed tokens. */
public final class IdpRole {
  public static final String NAME = "idp";

  public static final RoleModule MODULE = new RoleModule(
      NAME,
      "anonymous sessions, accounts, external OIDC login and signed tokens.",
      Set.of("audit-log"),
      IdpConfiguration.class,
      List.of(Identity.class),
      Optional.of("idp"));

  private IdpRole() {}
}
