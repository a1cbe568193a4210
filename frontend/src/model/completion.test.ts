import { describe, expect, it } from 'vitest';
import { completionSchema } from './completion';

describe('completionSchema', () => {
  it('maps schemas to tables to columns and picks the only user schema as default', () => {
    const config = completionSchema({
      database: 'exercises',
      schemas: [
        { name: 'cd', tables: [{ name: 'members', kind: 'table', columns: [{ name: 'memid', type: 'integer' }, { name: 'surname', type: 'text' }], primaryKey: [], foreignKeys: [] }], functions: [{ name: 'f', arguments: 'a integer', result: 'text' }] },
        { name: 'public', tables: [], functions: [] },
        { name: 'pg_catalog', tables: [{ name: 'pg_class', kind: 'table', columns: [], primaryKey: [], foreignKeys: [] }], functions: [] },
      ],
    });
    expect(config.schema).toEqual({ cd: { members: ['memid', 'surname'] }, public: {} });
    expect(config.defaultSchema).toBe('cd');
    expect(config.functions).toEqual([{ name: 'f', detail: '(a integer) → text' }]);
  });
});
