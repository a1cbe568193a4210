package dev.taidon.snapshotcache.internal;

import dev.taidon.core.DataDirectory;
import dev.taidon.core.ProcessIdentity;
import dev.taidon.core.command.CommandRunner;
import dev.taidon.core.role.RoleService;
import dev.taidon.snapshotcache.SnapshotCacheRole;
import dev.taidon.snapshotcache.StoreSettings;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The beans of the snapshot-cache role: the local state store and the state tree. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(StoreSettings.class)
public class SnapshotCacheConfiguration {

  @Bean
  StateStoreLocator.Located stateStore(StoreSettings settings, DataDirectory data, CommandRunner runner) {
    return new StateStoreLocator(runner).open(settings, data.store(), data.storeImage(), ProcessIdentity.isRoot());
  }

  @Bean
  StateCache stateCache(StateStoreLocator.Located store, JdbcClient jdbc, StoreSettings settings,
      io.micrometer.core.instrument.MeterRegistry registry) {
    return new StateCache(store.store(), jdbc, settings, registry);
  }

  /** Reconciles the store with the state tree at start; unmounts a loop-image store at stop. */
  @Bean
  RoleService stateStoreMaintenance(StateCache cache, StateStoreLocator.Located store, CommandRunner runner) {
    return new RoleService() {
      @Override
      public String role() {
        return SnapshotCacheRole.NAME;
      }

      @Override
      public void start() {
        cache.reconcile();
      }

      @Override
      public void stop() {
        store.store().finishDeletions(java.time.Duration.ofSeconds(20));
        store.loopMount().ifPresent(mount -> new StateStoreLocator(runner).unmount(mount));
      }
    };
  }
}
