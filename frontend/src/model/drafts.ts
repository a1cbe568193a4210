import { isRecord } from '../api/validate';
import type { Cell, WorksheetBase } from '../api/worksheets';

/** A worksheet as typed, kept in the browser. */
export interface Draft {
  readonly title: string;
  readonly base: WorksheetBase;
  readonly cells: readonly Cell[];
}

export interface StoredDraft extends Draft {
  /** Whether the server has this text; a draft it does not have wins when the worksheet opens. */
  readonly saved: boolean;
  readonly touchedAt: number;
}

const PREFIX = 'taidon.draft.';
const LAST_WORKSHEET = 'taidon.lastWorksheet';
/** Copies of this many recently used worksheets are kept; older ones are dropped. */
export const KEPT_DRAFTS = 20;

/**
 * Keeps a copy of each recently used worksheet in storage, so that nothing typed is lost when the
 * server is unreachable, the tab closes before a save, or the session can no longer be renewed
 * (a new session then gets the copy).
 */
export class Drafts {
  constructor(
    private readonly storage: Storage,
    private readonly now: () => number = Date.now,
  ) {}

  save(worksheetId: string, draft: Draft, saved: boolean): void {
    const stored: StoredDraft = { title: draft.title, base: draft.base, cells: draft.cells, saved, touchedAt: this.now() };
    try {
      this.storage.setItem(PREFIX + worksheetId, JSON.stringify(stored));
      this.evict();
    } catch {
      // Storage full or disabled: the server copy is all there is, as without drafts.
    }
  }

  load(worksheetId: string): StoredDraft | undefined {
    try {
      const raw = this.storage.getItem(PREFIX + worksheetId);
      if (raw === null) return undefined;
      const json: unknown = JSON.parse(raw);
      if (!isRecord(json) || !Array.isArray(json.cells)) return undefined;
      const cells = json.cells
        .filter(isRecord)
        .filter((c) => typeof c.id === 'string' && typeof c.sql === 'string')
        .map((c) => ({ id: c.id as string, sql: c.sql as string }));
      return {
        title: typeof json.title === 'string' ? json.title : '',
        base: isRecord(json.base) ? (json.base as WorksheetBase) : {},
        cells,
        saved: json.saved === true,
        touchedAt: typeof json.touchedAt === 'number' ? json.touchedAt : 0,
      };
    } catch {
      return undefined;
    }
  }

  clear(worksheetId: string): void {
    this.storage.removeItem(PREFIX + worksheetId);
  }

  rememberLast(worksheetId: string): void {
    this.storage.setItem(LAST_WORKSHEET, worksheetId);
  }

  last(): string | undefined {
    return this.storage.getItem(LAST_WORKSHEET) ?? undefined;
  }

  private evict(): void {
    const ids: string[] = [];
    for (let i = 0; i < this.storage.length; i++) {
      const key = this.storage.key(i);
      if (key?.startsWith(PREFIX)) ids.push(key.slice(PREFIX.length));
    }
    if (ids.length <= KEPT_DRAFTS) return;
    const byAge = ids.map((id) => ({ id, draft: this.load(id) })).sort((a, b) => (a.draft?.touchedAt ?? 0) - (b.draft?.touchedAt ?? 0));
    // Unsaved text is never dropped to make room.
    const droppable = byAge.filter((entry) => entry.draft === undefined || entry.draft.saved);
    droppable.slice(0, ids.length - KEPT_DRAFTS).forEach((entry) => this.clear(entry.id));
  }
}
