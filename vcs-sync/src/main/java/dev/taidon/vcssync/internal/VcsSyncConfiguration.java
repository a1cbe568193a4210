package dev.taidon.vcssync.internal;

import dev.taidon.auditlog.AuditLog;
import dev.taidon.core.DataDirectory;
import dev.taidon.core.role.RoleService;
import dev.taidon.vcssync.ProjectLimits;
import dev.taidon.vcssync.VcsSyncRole;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/** The beans of the vcs-sync role: projects as files on this machine. Git sync arrives with its issue. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ProjectLimits.class)
public class VcsSyncConfiguration {

  @Bean
  FileProjects projects(DataDirectory data, JdbcClient jdbc, JsonMapper json, ProjectLimits limits, AuditLog auditLog) {
    return new FileProjects(data.projects(), jdbc, json, limits, auditLog);
  }

  /** At start, files a crash left without a project are removed. */
  @Bean
  RoleService projectRecovery(FileProjects projects) {
    return new RoleService() {
      @Override
      public String role() {
        return VcsSyncRole.NAME;
      }

      @Override
      public void start() {
        projects.reconcile();
      }

      @Override
      public void stop() {}
    };
  }
}
