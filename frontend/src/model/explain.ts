/** What the Explain button runs for a cell, or why it cannot. */
export type ExplainRequest = { readonly kind: 'explain'; readonly sql: string } | { readonly kind: 'refused'; readonly reason: string };

const QUERY_START = /^(select|with|values|table)\b/i;
const ANY_STATEMENT = /^(insert|update|delete|merge|select|with|values|table)\b/i;

/**
 * Wraps a cell's single statement in EXPLAIN. Queries get ANALYZE, which runs them (read-only, on
 * the state before the cell); data-changing statements are only planned, since ANALYZE would
 * execute them. A cell that is already an EXPLAIN is run as it is.
 */
export function explainStatement(cellSql: string): ExplainRequest {
  const statements = splitTopLevel(cellSql).filter((s) => stripComments(s).trim() !== '');
  if (statements.length === 0) return { kind: 'refused', reason: 'The cell is empty: write a query to explain.' };
  if (statements.length > 1) return { kind: 'refused', reason: 'Explain works on a cell with one statement; this one has several.' };
  const statement = statements[0]!.trim();
  const head = stripComments(statement).trim();
  if (/^explain\b/i.test(head)) return { kind: 'explain', sql: statement };
  if (!ANY_STATEMENT.test(head)) return { kind: 'refused', reason: 'Only queries and INSERT, UPDATE, DELETE or MERGE have a plan.' };
  const options = QUERY_START.test(head) ? '(ANALYZE, BUFFERS, FORMAT JSON)' : '(FORMAT JSON)';
  return { kind: 'explain', sql: `EXPLAIN ${options} ${statement}` };
}

/** Removes -- and nested block comments outside strings, for looking at a statement's first word. */
export function stripComments(sql: string): string {
  let out = '';
  scan(sql, (kind, text) => {
    if (kind !== 'comment') out += text;
  });
  return out;
}

/** Splits at semicolons outside strings, quoted identifiers, dollar quotes and comments. */
export function splitTopLevel(sql: string): string[] {
  const parts: string[] = [];
  let current = '';
  scan(sql, (kind, text) => {
    if (kind === 'semicolon') {
      parts.push(current);
      current = '';
    } else {
      current += text;
    }
  });
  parts.push(current);
  return parts;
}

type Piece = 'text' | 'quoted' | 'comment' | 'semicolon';

function scan(sql: string, emit: (kind: Piece, text: string) => void): void {
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const rest = sql.slice(i);
    let end: number;
    if (rest.startsWith('--')) {
      const newline = sql.indexOf('\n', i);
      end = newline < 0 ? sql.length : newline;
      emit('comment', sql.slice(i, end));
    } else if (rest.startsWith('/*')) {
      let depth = 0;
      end = i;
      while (end < sql.length) {
        if (sql.startsWith('/*', end)) {
          depth++;
          end += 2;
        } else if (sql.startsWith('*/', end)) {
          depth--;
          end += 2;
          if (depth === 0) break;
        } else {
          end++;
        }
      }
      emit('comment', sql.slice(i, end));
    } else if (c === "'" || c === '"') {
      end = i + 1;
      while (end < sql.length) {
        if (sql[end] === c) {
          if (sql[end + 1] === c) end += 2;
          else {
            end++;
            break;
          }
        } else if (c === "'" && sql[end] === '\\' && /[eE]$/.test(sql.slice(0, i))) {
          end += 2;
        } else {
          end++;
        }
      }
      emit('quoted', sql.slice(i, end));
    } else if (c === '$' && /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.test(rest) && !/[A-Za-z0-9_]$/.test(sql.slice(0, i))) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(rest)![0];
      const close = sql.indexOf(tag, i + tag.length);
      end = close < 0 ? sql.length : close + tag.length;
      emit('quoted', sql.slice(i, end));
    } else if (c === ';') {
      end = i + 1;
      emit('semicolon', c);
    } else {
      end = i + 1;
      emit('text', c);
    }
    i = end;
  }
}
