import { describe, expect, it } from 'vitest';
import { truncation } from './resultView';

describe('truncation', () => {
  it('says how many rows of how many when the command tag counted them', () => {
    expect(truncation({ rows: [['1'], ['2']], rowCount: 5000 })).toBe("Showing the first 2 rows of 5000: your account's result limit cut the rest.");
  });

  it('explains a cut without a count', () => {
    expect(truncation({ rows: [['x']] })).toContain('cut long values');
    expect(truncation({ rows: [['x']], rowCount: 1 })).toContain('cut long values');
  });
});
