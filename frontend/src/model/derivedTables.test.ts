import { describe, expect, it } from 'vitest';
import { derivedTables, selectListColumns } from './derivedTables';

describe('derivedTables', () => {
  it('names the columns of CTEs from their select lists or their column lists', () => {
    const sql = `WITH totals AS (SELECT customer_id, sum(total) AS spent FROM invoice GROUP BY customer_id),
      named (a, "B") AS MATERIALIZED (SELECT 1, 2)
      SELECT t. FROM totals t`;
    expect(derivedTables(sql, sql.indexOf('t. '))).toEqual([
      { name: 'totals', columns: ['customer_id', 'spent'] },
      { name: 'named', columns: ['a', 'B'] },
      { name: 't', columns: ['customer_id', 'spent'] },
    ]);
  });

  it('names subqueries in FROM by their alias', () => {
    const sql = 'SELECT s. FROM (SELECT a.title, count(*) n FROM album a GROUP BY a.title) AS s';
    expect(derivedTables(sql, 9)).toEqual([{ name: 's', columns: ['title', 'n'] }]);
  });

  it('looks only at the statement around the cursor', () => {
    const sql = 'WITH x AS (SELECT 1 AS one) SELECT * FROM x;\nSELECT 2;';
    expect(derivedTables(sql, sql.length - 2)).toEqual([]);
    expect(derivedTables(sql, 5)).toEqual([{ name: 'x', columns: ['one'] }]);
  });

  it('leaves out what it cannot name and survives broken text', () => {
    expect(selectListColumns('SELECT *, count(*), upper(name) AS loud, "Mixed Case" FROM t')).toEqual(['loud', 'Mixed Case']);
    expect(derivedTables('WITH broken AS (SELECT a FROM', 10)).toEqual([]);
    expect(derivedTables('', 0)).toEqual([]);
  });
});
