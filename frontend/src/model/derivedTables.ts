import { splitTopLevel, stripComments } from './explain';

/** A table a statement defines for itself: a CTE or a subquery in FROM, with its output columns. */
export interface DerivedTable {
  readonly name: string;
  readonly columns: readonly string[];
}

const IDENTIFIER = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;

/**
 * Finds the CTEs (`WITH name [(cols)] AS (SELECT …)`) and FROM-subqueries (`(SELECT …) [AS] alias`)
 * of the statement around offset, with the columns their select lists name. Columns written as
 * `*` or as expressions without an alias cannot be named without the server and are left out.
 */
export function derivedTables(sql: string, offset: number): DerivedTable[] {
  const statement = statementAround(sql, offset);
  const tables: DerivedTable[] = [];
  const cte = new RegExp(String.raw`(?:\bWITH(?:\s+RECURSIVE)?|,)\s*(${IDENTIFIER})\s*(\(([^()]*)\))?\s+AS\s+(?:(?:NOT\s+)?MATERIALIZED\s+)?\(`, 'gi');
  for (const match of statement.matchAll(cte)) {
    const body = parenthesised(statement, match.index + match[0].length - 1);
    if (body === undefined) continue;
    const named = match[3]?.split(',').map((c) => unquote(c.trim())).filter((c) => c !== '');
    tables.push({ name: unquote(match[1]!), columns: named !== undefined && named.length > 0 ? named : selectListColumns(body) });
  }
  const subquery = /\(\s*SELECT\b/gi;
  for (const match of statement.matchAll(subquery)) {
    const body = parenthesised(statement, match.index);
    if (body === undefined) continue;
    const after = statement.slice(match.index + body.length + 2);
    const alias = new RegExp(String.raw`^\s*(?:AS\s+)?(${IDENTIFIER})`, 'i').exec(after);
    if (alias === null || /^(ON|WHERE|JOIN|GROUP|ORDER|LIMIT|UNION|AND|OR|SELECT|FROM|USING)$/i.test(alias[1]!)) continue;
    tables.push({ name: unquote(alias[1]!), columns: selectListColumns(body) });
  }
  // A CTE used under an alias (FROM totals t) is known by the alias too.
  for (const table of [...tables]) {
    const use = new RegExp(String.raw`\b(?:FROM|JOIN)\s+${escapeName(table.name)}\s+(?:AS\s+)?(${IDENTIFIER})`, 'gi');
    for (const match of statement.matchAll(use)) {
      const alias = unquote(match[1]!);
      if (!/^(on|where|join|group|order|limit|union|using|left|right|inner|full|cross|natural)$/.test(alias)) {
        tables.push({ name: alias, columns: table.columns });
      }
    }
  }
  return tables;
}

function escapeName(name: string): string {
  const plain = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? plain : `"${plain.replaceAll('"', '""')}"`;
}

/** The statement of a cell that contains offset (statements end at top-level semicolons). */
function statementAround(sql: string, offset: number): string {
  let start = 0;
  for (const part of splitTopLevel(sql)) {
    const end = start + part.length;
    if (offset <= end) return stripComments(part);
    start = end + 1;
  }
  return stripComments(sql);
}

/** The text inside the parenthesis that opens at index, or undefined when it never closes. */
function parenthesised(text: string, open: number): string | undefined {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
      if (depth === 0) return text.slice(open + 1, i);
    }
  }
  return undefined;
}

/** Output names of `SELECT a, t.b, f(x) AS c, d e FROM …`: a, b, c, e. */
export function selectListColumns(select: string): string[] {
  const list = /^\s*SELECT\s+(?:DISTINCT\s+(?:ON\s*\([^)]*\)\s*)?)?([\s\S]*?)(?:\bFROM\b|$)/i.exec(select);
  if (list === null) return [];
  const columns: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of `${list[1]!},`) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      const name = outputName(current.trim());
      if (name !== undefined) columns.push(name);
      current = '';
    } else {
      current += c;
    }
  }
  return columns;
}

function outputName(item: string): string | undefined {
  const aliased = new RegExp(String.raw`(?:\bAS\s+|[\s)])(${IDENTIFIER})$`, 'i').exec(item);
  if (aliased !== null && !/^\s*[A-Za-z_][\w$]*\s*$/.test(item)) return unquote(aliased[1]!);
  const column = new RegExp(String.raw`^(?:${IDENTIFIER}\.)*(${IDENTIFIER})$`).exec(item);
  return column === null ? undefined : unquote(column[1]!);
}

function unquote(identifier: string): string {
  return identifier.startsWith('"') ? identifier.slice(1, -1).replaceAll('""', '"') : identifier.toLowerCase();
}
