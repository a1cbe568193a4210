import { describe, expect, it } from 'vitest';
import type { DatabaseSchema, Table } from '../api/worksheets';
import { layoutEr } from './erLayout';

const table = (name: string, refs: string[] = []): Table => ({
  name,
  kind: 'table',
  columns: [{ name: `${name}_id`, type: 'integer' }, ...refs.map((r) => ({ name: `${r}_id`, type: 'integer' }))],
  primaryKey: [`${name}_id`],
  foreignKeys: refs.map((r) => ({ name: `${name}_${r}_fkey`, columns: [`${r}_id`], referencedSchema: 'public', referencedTable: r, referencedColumns: [`${r}_id`] })),
});

const schema: DatabaseSchema = {
  database: 'chinook',
  schemas: [{ name: 'public', functions: [], tables: [table('track', ['album', 'genre']), table('album', ['artist']), table('artist'), table('genre'), table('employee', ['employee'])] }],
};

describe('layoutEr', () => {
  it('places referenced tables left of the tables that reference them', () => {
    const layout = layoutEr(schema);
    const x = (name: string) => layout.tables.find((t) => t.name === name)!.x;
    expect(x('artist')).toBeLessThan(x('album'));
    expect(x('album')).toBeLessThan(x('track'));
    expect(x('genre')).toBeLessThan(x('track'));
    expect(x('employee')).toBe(x('artist'));
  });

  it('draws one edge per foreign key, self-references included, and no overlapping boxes', () => {
    const layout = layoutEr(schema);
    expect(layout.edges.map((e) => `${e.from}->${e.to}`).sort()).toEqual(
      ['public.album->public.artist', 'public.employee->public.employee', 'public.track->public.album', 'public.track->public.genre'],
    );
    for (const a of layout.tables) {
      for (const b of layout.tables) {
        if (a === b) continue;
        const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
        expect(overlap, `${a.key} overlaps ${b.key}`).toBe(false);
      }
    }
    expect(layout.tables.find((t) => t.name === 'track')!.columns.map((c) => [c.name, c.primaryKey, c.foreignKey])).toEqual([
      ['track_id', true, false], ['album_id', false, true], ['genre_id', false, true],
    ]);
  });

  it('survives reference cycles and keys to tables it does not know', () => {
    const cyclic: DatabaseSchema = { database: 'd', schemas: [{ name: 'public', functions: [], tables: [table('a', ['b']), table('b', ['a']), table('c', ['elsewhere'])] }] };
    const layout = layoutEr(cyclic);
    expect(layout.tables).toHaveLength(3);
    expect(layout.edges).toHaveLength(2);
  });
});
