import { describe, expect, it } from 'vitest';
import { Drafts } from './drafts';

function memoryStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    getItem: (k) => map.get(k) ?? null,
    key: (i) => [...map.keys()][i] ?? null,
    removeItem: (k) => void map.delete(k),
    setItem: (k, v) => void map.set(k, String(v)),
  };
}

describe('Drafts', () => {
  it('keeps a worksheet as typed until cleared', () => {
    const drafts = new Drafts(memoryStorage());
    drafts.save('ws-1', { title: 't', base: { dataset: 'chinook' }, cells: [{ id: 'c1', sql: 'SELECT 1' }] });
    expect(drafts.load('ws-1')).toEqual({ title: 't', base: { dataset: 'chinook' }, cells: [{ id: 'c1', sql: 'SELECT 1' }] });
    drafts.clear('ws-1');
    expect(drafts.load('ws-1')).toBeUndefined();
  });

  it('treats damaged entries as absent and drops malformed cells', () => {
    const storage = memoryStorage();
    const drafts = new Drafts(storage);
    storage.setItem('taidon.draft.a', '{not json');
    storage.setItem('taidon.draft.b', JSON.stringify({ cells: [{ id: 'ok', sql: 'x' }, { id: 3 }, null] }));
    expect(drafts.load('a')).toBeUndefined();
    expect(drafts.load('b')?.cells).toEqual([{ id: 'ok', sql: 'x' }]);
  });

  it('remembers the last worksheet opened', () => {
    const drafts = new Drafts(memoryStorage());
    expect(drafts.last()).toBeUndefined();
    drafts.rememberLast('ws-9');
    expect(drafts.last()).toBe('ws-9');
  });
});
