package dev.taidon.core.role;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Migrates the control-database schema a role owns. Each role has its own schema and its own
 * Flyway history table in it, so roles evolve their tables independently and a process migrates
 * only the roles it runs.
 */
public final class RoleSchemas {
  private RoleSchemas() {}

  /** Applies the role's pending migrations from {@code classpath:db/migration/<role>}; no-op without a schema. */
  public static void migrate(DataSource controlDatabase, RoleModule role) {
    role.schema().ifPresent(schema -> Flyway.configure()
        .dataSource(controlDatabase)
        .schemas(schema)
        .defaultSchema(schema)
        .createSchemas(true)
        .locations("classpath:db/migration/" + role.name())
        .failOnMissingLocations(true)
        .load()
        .migrate());
  }
}
