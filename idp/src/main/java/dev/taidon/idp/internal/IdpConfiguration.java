package dev.taidon.idp.internal;

import dev.taidon.auditlog.AuditLog;
import dev.taidon.idp.AuthSettings;
import dev.taidon.core.role.PeriodicTask;
import dev.taidon.core.role.RoleService;
import dev.taidon.idp.IdpRole;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** The beans of the idp role: accounts, signing keys and tokens. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuthSettings.class)
public class IdpConfiguration {

  /** Expired tokens, codes and login attempts are purged hourly. */
  @Bean
  RoleService tokenPurge(JdbcIdentity identity) {
    return new PeriodicTask(IdpRole.NAME, "token-purge", Duration.ofMinutes(1), Duration.ofHours(1), identity::purgeExpired);
  }

  @Bean
  JdbcIdentity identity(JdbcClient jdbc, TransactionTemplate transactions, AuthSettings settings, AuditLog auditLog,
      JsonMapper json) {
    Clock clock = Clock.systemUTC();
    return new JdbcIdentity(jdbc, transactions, new SigningKeys(jdbc, settings, clock), settings, auditLog, clock,
        new PasswordHasher(), new OidcLogins(settings.oidc(), jdbc, json, clock));
  }
}
