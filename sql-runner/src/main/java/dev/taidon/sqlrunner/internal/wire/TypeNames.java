package dev.taidon.sqlrunner.internal.wire;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * PostgreSQL's names of result column types ({@code integer}, {@code numeric(10,2)},
 * {@code character varying(40)}), as {@code format_type} spells them. Built-in types are learnt
 * once per engine; the modifiers of the common built-in types are formatted here, and anything
 * else (user-defined types, rare modifiers) is looked up on the session that produced the result.
 */
public final class TypeNames {
  /** Object ids below this belong to the built-in catalog, identical in every database of an engine. */
  private static final int FIRST_USER_OID = 16_384;
  private final Map<Integer, String> builtIn = new ConcurrentHashMap<>();

  /** Learns the built-in type names from a session, once. */
  public void learn(WireSession session) {
    if (!builtIn.isEmpty()) {
      return;
    }
    Map<Integer, String> names = new java.util.HashMap<>();
    StatementResult result = session.execute(
        "SELECT t.oid, pg_catalog.format_type(t.oid, NULL) FROM pg_catalog.pg_type t WHERE t.oid < " + FIRST_USER_OID,
        null, new ResultListener() {
          @Override
          public void row(List<String> values, boolean cut) {
            names.put(Integer.parseInt(values.get(0)), values.get(1));
          }
        }, new ResultLimits(100_000, 64L * 1024 * 1024, 1024));
    if (result.error().isEmpty()) {
      builtIn.putAll(names);
    }
  }

  /** The name when it can be given without asking the database. */
  public Optional<String> known(int oid, int modifier) {
    String base = oid < FIRST_USER_OID ? builtIn.get(oid) : null;
    if (base == null) {
      return Optional.empty();
    }
    if (modifier < 0) {
      return Optional.of(base);
    }
    return Optional.ofNullable(switch (oid) {
      case 1043 -> "character varying(" + (modifier - 4) + ")";
      case 1042 -> "character(" + (modifier - 4) + ")";
      case 1700 -> {
        int precision = ((modifier - 4) >> 16) & 0xFFFF;
        int scale = (modifier - 4) & 0xFFFF;
        yield "numeric(" + precision + "," + (scale > 1000 ? scale - 2048 : scale) + ")";
      }
      case 1083 -> "time(" + modifier + ") without time zone";
      case 1266 -> "time(" + modifier + ") with time zone";
      case 1114 -> "timestamp(" + modifier + ") without time zone";
      case 1184 -> "timestamp(" + modifier + ") with time zone";
      case 1560 -> "bit(" + modifier + ")";
      case 1562 -> "bit varying(" + modifier + ")";
      default -> null;
    });
  }

  /**
   * Names every column's type: from what is known, and for the rest with one catalog query on
   * {@code session}, which must be idle (its transaction, if any, sees the types the result used).
   */
  public List<String> resolve(List<WireColumn> columns, WireSession session) {
    String[] names = new String[columns.size()];
    StringBuilder unknown = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      WireColumn column = columns.get(i);
      Optional<String> known = known(column.typeOid(), column.typeModifier());
      if (known.isPresent()) {
        names[i] = known.get();
      } else {
        unknown.append(unknown.isEmpty() ? "" : ",").append("(").append(i).append(",").append(column.typeOid())
            .append("::pg_catalog.oid,").append(column.typeModifier()).append(")");
      }
    }
    if (!unknown.isEmpty() && session.transactionStatus() != TransactionStatus.FAILED) {
      session.execute("SELECT v.i, pg_catalog.format_type(v.o, v.m) FROM (VALUES " + unknown + ") v(i, o, m)", null,
          new ResultListener() {
            @Override
            public void row(List<String> values, boolean cut) {
              names[Integer.parseInt(values.get(0))] = values.get(1);
            }
          }, new ResultLimits(2_000, 1024 * 1024, 1024));
    }
    for (int i = 0; i < names.length; i++) {
      if (names[i] == null) {
        names[i] = "oid " + columns.get(i).typeOid();
      }
    }
    return List.of(names);
  }
}
