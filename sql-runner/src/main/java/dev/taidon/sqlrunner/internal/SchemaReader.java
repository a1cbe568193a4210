package dev.taidon.sqlrunner.internal;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.sqlrunner.DatabaseSchema;
import dev.taidon.sqlrunner.internal.wire.ResultLimits;
import dev.taidon.sqlrunner.internal.wire.ResultListener;
import dev.taidon.sqlrunner.internal.wire.StatementResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the learner-visible schema from the catalog, on the session a run would use (so it sees what
 * an open transaction created). Four queries: relations with columns, constraints, indexes, routines.
 */
final class SchemaReader {
  /** Large schemas are cut here: the panel and completion need an overview, not a dump. */
  static final ResultLimits LIMITS = new ResultLimits(50_000, 32L * 1024 * 1024, 64 * 1024);

  private static final String USER_SCHEMAS = """
      n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
      AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'""";

  private static final String SCHEMAS = "SELECT n.nspname FROM pg_catalog.pg_namespace n WHERE " + USER_SCHEMAS
      + " ORDER BY 1";

  private static final String COLUMNS = """
      SELECT n.nspname, c.relname, c.relkind::text, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
             (NOT a.attnotnull)::text, pg_catalog.pg_get_expr(d.adbin, d.adrelid)
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
      WHERE c.relkind IN ('r', 'v', 'm', 'f', 'p') AND\s""" + USER_SCHEMAS + """

      ORDER BY n.nspname, c.relname, a.attnum""";

  private static final String CONSTRAINTS = """
      SELECT n.nspname, c.relname, k.conname, k.contype::text,
             pg_catalog.array_to_json(ARRAY(SELECT a.attname FROM pg_catalog.unnest(k.conkey) WITH ORDINALITY u(num, ord)
               JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.num ORDER BY u.ord))::text,
             rn.nspname, rc.relname,
             pg_catalog.array_to_json(ARRAY(SELECT a.attname FROM pg_catalog.unnest(k.confkey) WITH ORDINALITY u(num, ord)
               JOIN pg_catalog.pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.num ORDER BY u.ord))::text
      FROM pg_catalog.pg_constraint k
      JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_catalog.pg_class rc ON rc.oid = k.confrelid
      LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
      WHERE k.contype IN ('p', 'f') AND\s""" + USER_SCHEMAS + """

      ORDER BY n.nspname, c.relname, k.conname""";

  private static final String INDEXES = """
      SELECT n.nspname, c.relname, i.relname, x.indisunique::text, x.indisprimary::text,
             pg_catalog.pg_get_indexdef(x.indexrelid)
      FROM pg_catalog.pg_index x
      JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
      JOIN pg_catalog.pg_class c ON c.oid = x.indrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE\s""" + USER_SCHEMAS + """

      ORDER BY n.nspname, c.relname, i.relname""";

  private static final String ROUTINES = """
      SELECT n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid),
             coalesce(pg_catalog.pg_get_function_result(p.oid), ''), p.prokind::text
      FROM pg_catalog.pg_proc p
      JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
      WHERE\s""" + USER_SCHEMAS + """

      ORDER BY n.nspname, p.proname, 3""";

  private final JsonMapper json;

  SchemaReader(JsonMapper json) {
    this.json = json;
  }

  DatabaseSchema read(SandboxSession session, String stateId) {
    Map<String, SchemaBuilder> schemas = new LinkedHashMap<>();
    for (List<String> row : query(session, SCHEMAS)) {
      schemas.put(row.get(0), new SchemaBuilder());
    }
    for (List<String> row : query(session, COLUMNS)) {
      TableBuilder table = schemas.computeIfAbsent(row.get(0), name -> new SchemaBuilder()).tables
          .computeIfAbsent(row.get(1), name -> new TableBuilder(kind(row.get(2))));
      if (row.get(3) != null) {
        table.columns.add(new DatabaseSchema.Column(row.get(3), row.get(4), Boolean.parseBoolean(row.get(5)),
            Optional.ofNullable(row.get(6))));
      }
    }
    for (List<String> row : query(session, CONSTRAINTS)) {
      TableBuilder table = table(schemas, row.get(0), row.get(1));
      if (table == null) {
        continue;
      }
      List<String> columns = names(row.get(4));
      if (row.get(3).equals("p")) {
        table.primaryKey = columns;
      } else {
        table.foreignKeys.add(new DatabaseSchema.ForeignKey(row.get(2), columns, row.get(5), row.get(6), names(row.get(7))));
      }
    }
    for (List<String> row : query(session, INDEXES)) {
      TableBuilder table = table(schemas, row.get(0), row.get(1));
      if (table != null) {
        table.indexes.add(new DatabaseSchema.Index(row.get(2), Boolean.parseBoolean(row.get(3)),
            Boolean.parseBoolean(row.get(4)), row.get(5)));
      }
    }
    for (List<String> row : query(session, ROUTINES)) {
      schemas.computeIfAbsent(row.get(0), name -> new SchemaBuilder()).functions
          .add(new DatabaseSchema.Function(row.get(1), row.get(2), row.get(3), routineKind(row.get(4))));
    }
    List<DatabaseSchema.Schema> result = new ArrayList<>();
    schemas.forEach((name, schema) -> result.add(schema.build(name)));
    return new DatabaseSchema(session.database(), stateId, result);
  }

  private static TableBuilder table(Map<String, SchemaBuilder> schemas, String schema, String table) {
    SchemaBuilder builder = schemas.get(schema);
    return builder == null ? null : builder.tables.get(table);
  }

  private List<String> names(String jsonArray) {
    List<String> names = new ArrayList<>();
    if (jsonArray != null) {
      for (JsonNode name : json.readTree(jsonArray)) {
        names.add(name.asString());
      }
    }
    return names;
  }

  private static String kind(String relkind) {
    return switch (relkind) {
      case "v" -> "view";
      case "m" -> "materialized view";
      case "f" -> "foreign table";
      case "p" -> "partitioned table";
      default -> "table";
    };
  }

  private static String routineKind(String prokind) {
    return switch (prokind) {
      case "p" -> "procedure";
      case "a" -> "aggregate";
      case "w" -> "window";
      default -> "function";
    };
  }

  private static List<List<String>> query(SandboxSession session, String sql) {
    List<List<String>> rows = new ArrayList<>();
    StatementResult result = session.execute(sql, null, new ResultListener() {
      @Override
      public void row(List<String> values, boolean cut) {
        rows.add(values);
      }
    }, LIMITS);
    if (result.error().isPresent()) {
      throw new TaidonException(ErrorCode.CONFLICT, "the schema cannot be read at this state: "
          + result.error().get().message()
          + ("25P02".equals(result.error().get().sqlstate()) ? " (run ROLLBACK to end the failed transaction)" : ""));
    }
    return rows;
  }

  private static final class SchemaBuilder {
    private final Map<String, TableBuilder> tables = new LinkedHashMap<>();
    private final List<DatabaseSchema.Function> functions = new ArrayList<>();

    DatabaseSchema.Schema build(String name) {
      List<DatabaseSchema.Table> built = new ArrayList<>();
      tables.forEach((table, builder) -> built.add(builder.build(table)));
      return new DatabaseSchema.Schema(name, built, List.copyOf(functions));
    }
  }

  private static final class TableBuilder {
    private final String kind;
    private final List<DatabaseSchema.Column> columns = new ArrayList<>();
    private List<String> primaryKey = List.of();
    private final List<DatabaseSchema.ForeignKey> foreignKeys = new ArrayList<>();
    private final List<DatabaseSchema.Index> indexes = new ArrayList<>();

    TableBuilder(String kind) {
      this.kind = kind;
    }

    DatabaseSchema.Table build(String name) {
      return new DatabaseSchema.Table(name, kind, List.copyOf(columns), primaryKey, List.copyOf(foreignKeys),
          List.copyOf(indexes));
    }
  }
}
