package dev.taidon.userprofile.internal;

import dev.taidon.core.role.RoleService;
import dev.taidon.envmanager.EnvManager;
import dev.taidon.idp.Identity;
import dev.taidon.userprofile.ProfileSettings;
import dev.taidon.userprofile.UserProfileRole;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The beans of the user-profile role: account upkeep across idp and env-manager. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ProfileSettings.class)
public class UserProfileConfiguration {
  private static final Logger log = LoggerFactory.getLogger(UserProfileConfiguration.class);

  @Bean
  AccountExpiry accountExpiry(Identity identity, EnvManager envManager) {
    return new AccountExpiry(identity, envManager);
  }

  @Bean
  RoleService accountUpkeep(AccountExpiry expiry, ProfileSettings settings) {
    return new RoleService() {
      private ScheduledExecutorService scheduler;

      @Override
      public String role() {
        return UserProfileRole.NAME;
      }

      @Override
      public void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("account-upkeep").daemon().factory());
        long interval = settings.upkeepInterval().toMillis();
        scheduler.scheduleWithFixedDelay(() -> {
          try {
            expiry.expire();
          } catch (RuntimeException e) {
            log.warn("Account upkeep failed: {}", e.getMessage());
          }
        }, interval, interval, TimeUnit.MILLISECONDS);
      }

      @Override
      public void stop() {
        scheduler.shutdownNow();
      }
    };
  }
}
