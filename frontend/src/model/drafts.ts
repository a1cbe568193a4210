import { isRecord } from '../api/validate';
import type { Cell, WorksheetBase } from '../api/worksheets';

/** A worksheet as typed, kept in the browser until the server has it. */
export interface Draft {
  readonly title: string;
  readonly base: WorksheetBase;
  readonly cells: readonly Cell[];
}

const PREFIX = 'taidon.draft.';
const LAST_WORKSHEET = 'taidon.lastWorksheet';

/**
 * Keeps unsaved worksheets in storage, so that nothing typed is lost when the server is
 * unreachable, the session expired or the tab closed before the save.
 */
export class Drafts {
  constructor(private readonly storage: Storage) {}

  save(worksheetId: string, draft: Draft): void {
    try {
      this.storage.setItem(PREFIX + worksheetId, JSON.stringify(draft));
    } catch {
      // Storage full or disabled: the server copy is all there is, as without drafts.
    }
  }

  load(worksheetId: string): Draft | undefined {
    try {
      const raw = this.storage.getItem(PREFIX + worksheetId);
      if (raw === null) return undefined;
      const json: unknown = JSON.parse(raw);
      if (!isRecord(json) || !Array.isArray(json.cells)) return undefined;
      const cells = json.cells.filter(isRecord).filter((c) => typeof c.id === 'string' && typeof c.sql === 'string').map((c) => ({ id: c.id as string, sql: c.sql as string }));
      return { title: typeof json.title === 'string' ? json.title : '', base: isRecord(json.base) ? (json.base as WorksheetBase) : {}, cells };
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
}
