package dev.taidon.envmanager.internal;

import dev.taidon.pg.PostgresBinaries;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The beans of the env-manager role. */
@Configuration(proxyBeanMethods = false)
public class EnvManagerConfiguration {

  @Bean
  LocalEnvManager envManager(PostgresBinaries binaries) {
    return new LocalEnvManager(binaries);
  }
}
