package dev.taidon.userprofile;

import dev.taidon.core.role.RoleModule;
import dev.taidon.userprofile.internal.UserProfileConfiguration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The user-profile role: accounts, sandboxes and worksheets per owner, quotas and limits. */
public final class UserProfileRole {
  public static final String NAME = "user-profile";

  public static final RoleModule MODULE = new RoleModule(
      NAME,
      "accounts, sandboxes and worksheets per owner, quotas and limits.",
      Set.of("idp", "env-manager", "audit-log"),
      UserProfileConfiguration.class,
      List.of(Worksheets.class, Shares.class),
      Optional.of("user_profile"));

  private UserProfileRole() {}
}
