import { describe, expect, it } from 'vitest';
import { offsetOf, tokenRangeAt } from './textPosition';

describe('positions in a cell', () => {
  const text = 'SELECT 1;\nSELECT nope FROM t;\n';

  it('turns a 1-based line and column into an offset', () => {
    expect(text.slice(offsetOf(text, { line: 2, column: 8 }))).toMatch(/^nope/);
    expect(offsetOf(text, { line: 1, column: 1 })).toBe(0);
  });

  it('clamps positions outside the text instead of failing', () => {
    expect(offsetOf(text, { line: 99, column: 1 })).toBe(text.length);
    expect(offsetOf(text, { line: 1, column: 500 })).toBe(9);
    expect(offsetOf(text, { line: 0, column: -3 })).toBe(0);
  });

  it('underlines the word, quoted identifier or string at the offset', () => {
    const at = (sql: string, offset: number) => {
      const r = tokenRangeAt(sql, offset);
      return sql.slice(r.from, r.to);
    };
    expect(at('SELECT nope FROM t', 7)).toBe('nope');
    expect(at('SELECT "Odd ""name""" x', 7)).toBe('"Odd ""name"""');
    expect(at("WHERE a = 'it''s'", 10)).toBe("'it''s'");
    expect(at('SELECT (', 7)).toBe('(');
    expect(at('SELECT', 6)).toBe('T');
    expect(at('', 0)).toBe('');
  });
});
