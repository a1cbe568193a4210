package dev.taidon.auditlog.internal;

import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** The beans of the audit-log role. */
@Configuration(proxyBeanMethods = false)
public class AuditLogConfiguration {

  @Bean
  JdbcAuditLog auditLog(DataSource dataSource, TransactionTemplate transactions, JsonMapper json) {
    return new JdbcAuditLog(dataSource, transactions, json, Clock.systemUTC());
  }
}
