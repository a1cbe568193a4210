import { describe, expect, it } from 'vitest';
import { explainStatement, splitTopLevel } from './explain';

describe('explainStatement', () => {
  it('analyses queries and only plans data changes', () => {
    expect(explainStatement('SELECT * FROM t;')).toEqual({ kind: 'explain', sql: 'EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT * FROM t' });
    expect(explainStatement('-- why\nWITH x AS (SELECT 1) SELECT * FROM x')).toMatchObject({ sql: expect.stringMatching(/^EXPLAIN \(ANALYZE/) });
    expect(explainStatement('DELETE FROM t')).toEqual({ kind: 'explain', sql: 'EXPLAIN (FORMAT JSON) DELETE FROM t' });
    expect(explainStatement('EXPLAIN SELECT 1')).toEqual({ kind: 'explain', sql: 'EXPLAIN SELECT 1' });
  });

  it('refuses empty cells, several statements and statements without a plan', () => {
    expect(explainStatement('  -- nothing\n')).toMatchObject({ kind: 'refused' });
    expect(explainStatement('SELECT 1; SELECT 2;')).toMatchObject({ kind: 'refused', reason: expect.stringContaining('one statement') });
    expect(explainStatement('CREATE TABLE t (a int)')).toMatchObject({ kind: 'refused' });
  });

  it('does not split inside strings, identifiers, dollar quotes or comments', () => {
    const sql = `SELECT ';', "a;b", $f$ ; $f$, E'\\';' /* ; /* ; */ ; */ -- ;\nFROM t; SELECT 2`;
    expect(splitTopLevel(sql)).toHaveLength(2);
  });
});
