package dev.taidon.auditlog.internal;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** The beans of the audit-log role. */
@Configuration(proxyBeanMethods = false)
public class AuditLogConfiguration {

  @Bean
  JdbcAuditLog auditLog(JdbcClient jdbc, TransactionTemplate transactions, JsonMapper json) {
    return new JdbcAuditLog(jdbc, transactions, json, Clock.systemUTC());
  }
}
