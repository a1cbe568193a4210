package dev.taidon.userprofile.internal;

import dev.taidon.auditlog.AuditLog;
import dev.taidon.core.role.PeriodicTask;
import dev.taidon.core.role.RoleService;
import dev.taidon.envmanager.EnvManager;
import dev.taidon.idp.Identity;
import dev.taidon.userprofile.ProfileSettings;
import dev.taidon.userprofile.UserProfileRole;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/** The beans of the user-profile role: worksheets, shares, and account upkeep across idp and env-manager. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ProfileSettings.class)
public class UserProfileConfiguration {
  @Bean
  JdbcWorksheets worksheets(JdbcClient jdbc, JsonMapper json, ProfileSettings settings) {
    return new JdbcWorksheets(jdbc, json, settings);
  }

  @Bean
  JdbcShares shares(JdbcClient jdbc, JsonMapper json, ProfileSettings settings, JdbcWorksheets worksheets,
      AuditLog auditLog) {
    return new JdbcShares(jdbc, json, settings, worksheets, auditLog);
  }

  @Bean
  AccountExpiry accountExpiry(Identity identity, EnvManager envManager, JdbcWorksheets worksheets, JdbcShares shares) {
    return new AccountExpiry(identity, envManager, worksheets, shares);
  }

  @Bean
  RoleService accountUpkeep(AccountExpiry expiry, ProfileSettings settings) {
    return new PeriodicTask(UserProfileRole.NAME, "account-upkeep", settings.upkeepInterval(), settings.upkeepInterval(),
        expiry::expire);
  }
}
