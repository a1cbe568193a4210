import type { DatabaseSchema } from '../api/worksheets';

/** A schema in the form @codemirror/lang-sql completes from: schema → table → columns. */
export interface SqlSchemaConfig {
  readonly schema: Record<string, Record<string, string[]>>;
  readonly defaultSchema: string | undefined;
  readonly functions: readonly { name: string; detail: string }[];
}

const SYSTEM_SCHEMAS = new Set(['pg_catalog', 'information_schema', 'pg_toast']);

/**
 * Converts the live schema for completion. The default schema is public when it has tables,
 * otherwise the only user schema that has any (clubdata's cd), so bare table names complete.
 */
export function completionSchema(schema: DatabaseSchema): SqlSchemaConfig {
  const result: Record<string, Record<string, string[]>> = {};
  const functions: { name: string; detail: string }[] = [];
  for (const namespace of schema.schemas) {
    if (SYSTEM_SCHEMAS.has(namespace.name)) continue;
    const tables: Record<string, string[]> = {};
    for (const table of namespace.tables) tables[table.name] = table.columns.map((c) => c.name);
    result[namespace.name] = tables;
    for (const fn of namespace.functions) functions.push({ name: fn.name, detail: `(${fn.arguments}) → ${fn.result}` });
  }
  const withTables = Object.keys(result).filter((name) => Object.keys(result[name]!).length > 0);
  const defaultSchema = withTables.includes('public') ? 'public' : withTables.length === 1 ? withTables[0] : 'public';
  return { schema: result, defaultSchema, functions };
}
