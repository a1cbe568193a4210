package dev.taidon.sqlrunner;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Optional;

/**
 * The learner-visible schema of a database state: what the schema panel, the ER diagram and
 * completion show. System schemas ({@code pg_catalog}, {@code information_schema}, {@code pg_toast})
 * are left out.
 *
 * @param database the database the worksheet is in at that state
 * @param stateId the state it was read from
 * @param schemas the schemas, by name
 */
public record DatabaseSchema(String database, String stateId, List<Schema> schemas) {

  public record Schema(String name, List<Table> tables, List<Function> functions) {}

  /**
   * @param kind {@code table}, {@code view}, {@code materialized view}, {@code foreign table} or {@code partitioned table}
   * @param primaryKey the primary key's columns, in key order; empty when there is none
   */
  public record Table(
      String name, String kind, List<Column> columns, List<String> primaryKey, List<ForeignKey> foreignKeys,
      List<Index> indexes) {}

  @JsonInclude(JsonInclude.Include.NON_ABSENT)
  public record Column(String name, String type, boolean nullable, Optional<String> defaultValue) {}

  public record ForeignKey(
      String name, List<String> columns, String referencedSchema, String referencedTable, List<String> referencedColumns) {}

  /** @param definition the index as {@code CREATE INDEX} would create it */
  public record Index(String name, boolean unique, boolean primary, String definition) {}

  /** @param kind {@code function}, {@code procedure}, {@code aggregate} or {@code window} */
  public record Function(String name, String arguments, String result, String kind) {}
}
