import { describe, expect, it } from 'vitest';
import { Drafts, KEPT_DRAFTS } from './drafts';

export function memoryStorage(): Storage {
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
  it('keeps a worksheet as typed, saying whether the server has it', () => {
    const drafts = new Drafts(memoryStorage(), () => 7);
    drafts.save('ws-1', { title: 't', base: { dataset: 'chinook' }, cells: [{ id: 'c1', sql: 'SELECT 1' }] }, false);
    expect(drafts.load('ws-1')).toEqual({ title: 't', base: { dataset: 'chinook' }, cells: [{ id: 'c1', sql: 'SELECT 1' }], saved: false, touchedAt: 7 });
    drafts.save('ws-1', { title: 't', base: {}, cells: [] }, true);
    expect(drafts.load('ws-1')?.saved).toBe(true);
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
    expect(drafts.load('b')?.saved).toBe(false);
  });

  it('keeps the most recent copies and never drops unsaved text', () => {
    let clock = 0;
    const drafts = new Drafts(memoryStorage(), () => clock++);
    drafts.save('unsaved-oldest', { title: '', base: {}, cells: [] }, false);
    for (let i = 0; i < KEPT_DRAFTS + 5; i++) drafts.save(`ws-${i}`, { title: '', base: {}, cells: [] }, true);
    expect(drafts.load('unsaved-oldest')).toBeDefined();
    expect(drafts.load('ws-0')).toBeUndefined();
    expect(drafts.load(`ws-${KEPT_DRAFTS + 4}`)).toBeDefined();
  });

  it('remembers the last worksheet opened', () => {
    const drafts = new Drafts(memoryStorage());
    expect(drafts.last()).toBeUndefined();
    drafts.rememberLast('ws-9');
    expect(drafts.last()).toBe('ws-9');
  });
});
