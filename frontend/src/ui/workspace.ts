import type { ApiResult } from '../api/client';
import { streamRun } from '../api/runStream';
import { describeBase, type Cell, type CellState, type DatabaseSchema, type Dataset, type TaidonApi, type Worksheet } from '../api/worksheets';
import { completionSchema } from '../model/completion';
import { explainStatement } from '../model/explain';
import { MODE_LABELS, applyRunEvent, changesSchema, describePreparation, emptyRun, formatMs, type RunModel, type StepResult } from '../model/run';
import { h } from './dom';
import { createEditor, type CellEditor } from './editor';
import { renderErDiagram } from './erDiagram';
import { Banner, describeFailure } from './banner';
import { renderStepResult } from './resultView';
import { renderSchema } from './schemaPanel';
import type { Draft, Drafts } from '../model/drafts';

interface CellView {
  readonly id: string;
  readonly editor: CellEditor;
  readonly element: HTMLElement;
  readonly output: HTMLElement;
  readonly badges: HTMLElement;
  readonly label: HTMLElement;
}

type Tab = 'schema' | 'diagram' | 'timeline';

const SAVE_DELAY_MS = 600;
/** Shorter than the save delay: the browser's copy is what survives a server that is away. */
const DRAFT_DELAY_MS = 200;
const RETRY_SAVE_MS = 5_000;

export function newCellId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return `c-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The learner's workspace for one worksheet: cells with editors and results, autosave, runs
 * streamed as they happen, and a side panel with the schema, the ER diagram and the timeline.
 */
export class Workspace {
  private worksheet: Worksheet;
  private title: string;
  private cells: CellView[] = [];
  private dirty = false;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private draftTimer: ReturnType<typeof setTimeout> | undefined;
  private saving: Promise<ApiResult<Worksheet>> | undefined;
  private running: { runId?: string; model: RunModel } | undefined;
  private tab: Tab = 'schema';
  /** The cell whose state the schema panel and completion show; undefined for the base. */
  private schemaThrough: string | undefined;
  private schemaCache = new Map<string, DatabaseSchema>();
  private schemaReading: Promise<unknown> | undefined;
  private readonly removedStack: { cells: Cell[]; at: number }[] = [];

  private readonly banner = new Banner();
  private readonly cellList = h('div', { class: 'cells' });
  private readonly panel = h('div', { class: 'panel-body', id: 'panel-body', role: 'tabpanel' });
  private readonly saveStatus = h('span', { class: 'meta save-status', 'data-testid': 'save-status', 'aria-live': 'polite' }, 'Saved');
  private readonly runAllButton = h('button', { type: 'button', 'data-testid': 'run-all' }, 'Run all');
  private readonly cancelButton = h('button', { type: 'button', class: 'danger', 'data-testid': 'cancel', hidden: '' }, 'Cancel run');
  readonly element: HTMLElement;

  constructor(
    private readonly api: TaidonApi,
    worksheet: Worksheet,
    private readonly datasets: readonly Dataset[],
    private readonly drafts: Drafts,
    private readonly navigate: (hash: string) => void,
  ) {
    this.worksheet = worksheet;
    this.title = worksheet.title;
    const draft = drafts.load(worksheet.id);
    let cells: readonly Cell[] = worksheet.cells;
    if (draft !== undefined && !draft.saved && JSON.stringify(draft.cells) !== JSON.stringify(worksheet.cells)) {
      // Edits that never reached the server (it was unreachable, or the tab closed first) win.
      cells = draft.cells;
      this.title = draft.title;
      this.dirty = true;
      this.banner.show('info', 'Unsaved edits from your last visit were restored from this browser.');
    }
    if (cells.length === 0) {
      // A worksheet always shows a cell to type in; the server must know it before it runs.
      cells = [{ id: newCellId(), sql: '' }];
      this.dirty = true;
    }

    const titleInput = h('input', { type: 'text', class: 'title-input', value: this.title, 'aria-label': 'Worksheet title', maxlength: '200' });
    titleInput.addEventListener('input', () => {
      this.title = titleInput.value;
      this.changed();
    });
    const addCell = h('button', { type: 'button', 'data-testid': 'add-cell' }, '+ Add cell');
    addCell.addEventListener('click', () => this.insertCell(this.cells.length, '', true));
    this.runAllButton.addEventListener('click', () => void this.runAll());
    this.cancelButton.addEventListener('click', () => void this.cancel());
    const share = h('button', { type: 'button', 'data-testid': 'share' }, 'Share');
    share.addEventListener('click', () => void this.share());
    const reset = h('button', { type: 'button', 'data-testid': 'reset' }, 'Reset to base');
    reset.addEventListener('click', () => void this.resetToBase());

    const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Side panel' });
    for (const [tab, label] of [['schema', 'Schema'], ['diagram', 'ER diagram'], ['timeline', 'Timeline']] as const) {
      const button = h('button', { type: 'button', role: 'tab', 'aria-controls': 'panel-body', 'data-tab': tab, 'aria-selected': String(tab === this.tab) }, label);
      button.addEventListener('click', () => {
        this.tab = tab;
        tabs.querySelectorAll('[role=tab]').forEach((b) => b.setAttribute('aria-selected', String(b === button)));
        void this.renderPanel();
      });
      tabs.append(button);
    }

    const widen = h('button', { type: 'button', class: 'small widen', 'aria-pressed': 'false', 'data-testid': 'widen-panel' }, 'Wide panel');
    widen.addEventListener('click', () => {
      const wide = this.element.classList.toggle('panel-wide');
      widen.setAttribute('aria-pressed', String(wide));
    });
    tabs.append(widen);

    this.element = h(
      'div',
      { class: 'workspace', 'data-testid': 'workspace', 'data-worksheet': worksheet.id },
      h(
        'div',
        { class: 'ws-main' },
        h(
          'div',
          { class: 'ws-header' },
          titleInput,
          h('span', { class: 'meta base', 'data-testid': 'base' }, `on ${describeBase(worksheet.base, datasets)}`),
          this.saveStatus,
        ),
        h('div', { class: 'ws-toolbar' }, this.runAllButton, this.cancelButton, share, reset),
        this.banner.element,
        this.cellList,
        h('div', { class: 'ws-footer' }, addCell, h('span', { class: 'meta' }, 'Ctrl+Enter runs a cell, Shift+Ctrl+Enter runs all. In an editor, Esc then Tab moves on.')),
      ),
      h('aside', { class: 'ws-panel', 'aria-label': 'Schema, diagram and timeline' }, tabs, this.panel),
    );
    cells.forEach((cell, i) => this.insertCell(i, cell.sql, false, cell.id));
    this.updateSaveStatus();
    if (this.dirty) this.scheduleSave();
    void this.renderPanel();
    window.addEventListener('beforeunload', this.onUnload);
  }

  /** Called when the page leaves this worksheet. */
  dispose(): void {
    window.removeEventListener('beforeunload', this.onUnload);
    if (this.dirty) void this.saveNow();
  }

  focusFirstCell(): void {
    this.cells[0]?.editor.focus();
  }

  private readonly onUnload = (event: BeforeUnloadEvent): void => {
    this.keepDraft();
    if (this.dirty) event.preventDefault();
  };

  private insertCell(at: number, sql: string, focus: boolean, id: string = newCellId()): CellView {
    const output = h('div', { class: 'cell-output', 'aria-live': 'polite' });
    const badges = h('div', { class: 'badges', 'data-testid': 'badges' });
    const label = h('span', { class: 'cell-label' });
    const editorHost = h('div', { class: 'editor-host' });
    const element = h('section', { class: 'cell', 'data-cell-id': id, 'data-testid': 'cell' });
    const editor = createEditor(editorHost, {
      doc: sql,
      label: `SQL of cell`,
      onChange: () => this.changed(),
      onRun: () => void this.runCell(view),
      onRunAll: () => void this.runAll(),
    });
    const view: CellView = { id, editor, element, output, badges, label };
    const button = (text: string, name: string, testId: string, action: () => void): HTMLButtonElement => {
      const b = h('button', { type: 'button', class: 'small', 'aria-label': name, 'data-testid': testId }, text);
      b.addEventListener('click', action);
      return b;
    };
    element.append(
      h(
        'div',
        { class: 'cell-toolbar' },
        label,
        button('▶ Run', 'Run this cell', 'run-cell', () => void this.runCell(view)),
        button('Explain', 'Show the query plan of this cell', 'explain', () => void this.explain(view)),
        button('↑', 'Move cell up', 'move-up', () => this.moveCell(view, -1)),
        button('↓', 'Move cell down', 'move-down', () => this.moveCell(view, 1)),
        button('✕', 'Delete cell', 'delete-cell', () => this.deleteCell(view)),
        badges,
      ),
      editorHost,
      output,
    );
    this.cells.splice(at, 0, view);
    this.cellList.insertBefore(element, this.cellList.children[at] ?? null);
    this.relabel();
    this.applySchemaTo(view);
    if (focus) {
      editor.focus();
      this.changed();
    }
    return view;
  }

  private relabel(): void {
    this.cells.forEach((cell, i) => {
      cell.label.textContent = `Cell ${i + 1}`;
      cell.editor.view.contentDOM.setAttribute('aria-label', `SQL of cell ${i + 1}`);
    });
  }

  private moveCell(cell: CellView, by: number): void {
    const from = this.cells.indexOf(cell);
    const to = from + by;
    if (to < 0 || to >= this.cells.length) return;
    this.cells.splice(from, 1);
    this.cells.splice(to, 0, cell);
    this.cellList.insertBefore(cell.element, this.cellList.children[to + (by > 0 ? 1 : 0)] ?? null);
    this.relabel();
    this.changed();
    cell.element.querySelector<HTMLButtonElement>(by < 0 ? '[data-testid=move-up]' : '[data-testid=move-down]')?.focus();
  }

  private deleteCell(cell: CellView): void {
    const at = this.cells.indexOf(cell);
    if (this.cells.length === 1) {
      cell.editor.setText('');
      return;
    }
    this.removeCells(at, 1, `Deleted cell ${at + 1}.`);
  }

  /** Removes cells, keeping them so that Undo brings them back. */
  private removeCells(at: number, count: number, message: string): void {
    const removed = this.cells.splice(at, count);
    removed.forEach((c) => {
      c.element.remove();
      c.editor.view.destroy();
    });
    this.removedStack.push({ cells: removed.map((c) => ({ id: c.id, sql: c.editor.text() })), at });
    this.relabel();
    this.changed();
    const undo = h('button', { type: 'button', 'data-testid': 'undo' }, 'Undo');
    undo.addEventListener('click', () => {
      const last = this.removedStack.pop();
      if (last === undefined) return;
      last.cells.forEach((c, i) => this.insertCell(last.at + i, c.sql, false, c.id));
      this.changed();
      this.banner.clear();
      if (this.tab === 'timeline') void this.saveNow().then(() => this.renderPanel());
      this.cells[last.at]?.editor.focus();
    });
    this.banner.show('info', message, undo);
    this.cells[Math.min(at, this.cells.length - 1)]?.editor.focus();
  }

  private currentCells(): Cell[] {
    return this.cells.map((c) => ({ id: c.id, sql: c.editor.text() }));
  }

  private changed(): void {
    this.dirty = true;
    // Not on every keystroke: a large worksheet is costly to serialise; leaving the page writes it at once.
    clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => this.keepDraft(), DRAFT_DELAY_MS);
    this.updateSaveStatus();
    this.scheduleSave();
  }

  /** Keeps the worksheet as typed in the browser; saved says whether the server has exactly this. */
  private keepDraft(saved = !this.dirty): void {
    clearTimeout(this.draftTimer);
    this.drafts.save(this.worksheet.id, { title: this.title, base: this.worksheet.base, cells: this.currentCells() }, saved);
  }

  private scheduleSave(delay = SAVE_DELAY_MS): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => void this.saveNow(), delay);
  }

  private updateSaveStatus(text?: string): void {
    this.saveStatus.textContent = text ?? (this.dirty ? 'Unsaved changes' : 'Saved');
  }

  /** Saves the cells if they changed; runs use the saved text, so a run saves first. */
  async saveNow(overwrite = false): Promise<ApiResult<Worksheet>> {
    clearTimeout(this.saveTimer);
    while (this.saving !== undefined) await this.saving;
    if (!this.dirty) return { kind: 'ok', value: this.worksheet };
    this.dirty = false;
    const cells = this.currentCells();
    this.updateSaveStatus('Saving…');
    this.saving = this.api.saveWorksheet(this.worksheet.id, this.title, cells, overwrite ? undefined : this.worksheet.version);
    const result = await this.saving;
    this.saving = undefined;
    if (result.kind === 'ok') {
      this.worksheet = result.value;
      if (!this.dirty) this.keepDraft(true);
      this.updateSaveStatus();
      return result;
    }
    this.dirty = true;
    this.keepDraft();
    this.updateSaveStatus('Not saved');
    if (result.kind === 'problem' && result.problem.status === 409) {
      const reload = h('button', { type: 'button' }, 'Load the other version');
      reload.addEventListener('click', () => {
        this.keepDraft(true);
        this.dirty = false;
        this.navigate(`#/w/${this.worksheet.id}?reload=${Date.now()}`);
      });
      const keep = h('button', { type: 'button' }, 'Keep mine');
      keep.addEventListener('click', () => {
        this.banner.clear();
        void this.saveNow(true);
      });
      this.banner.show('warn', 'This worksheet was changed elsewhere (another tab or device) since you opened it. Your text is kept here.', reload, keep);
    } else {
      this.showFailure(result);
      if (result.kind === 'unreachable' || (result.problem.status ?? 0) >= 500 || result.problem.status === 429) {
        this.scheduleSave(RETRY_SAVE_MS);
      }
    }
    return result;
  }

  private showFailure(result: Exclude<ApiResult<unknown>, { kind: 'ok' }>): void {
    const { level, message, actions } = describeFailure(result, {
      restart: () => void this.restartSession(),
      retry: () => void this.saveNow(),
    });
    this.banner.show(level, message, ...actions);
  }

  /** After the session expired: a new anonymous account gets a copy of this worksheet as typed. */
  private async restartSession(): Promise<void> {
    this.keepDraft();
    const copy = await copyIntoNewSession(this.api, { title: this.title, base: this.worksheet.base, cells: this.currentCells() });
    if (copy.kind !== 'ok') {
      this.showFailure(copy);
      return;
    }
    this.dirty = false;
    this.navigate(`#/w/${copy.value.id}`);
  }

  private async runCell(cell: CellView): Promise<void> {
    await this.run(cell.id, undefined);
  }

  private async runAll(): Promise<void> {
    const first = this.cells[0];
    const last = this.cells.at(-1);
    if (first !== undefined && last !== undefined) await this.run(last.id, first.id);
  }

  /**
   * Claims the workspace for a run (before the first await, so a second press cannot start a
   * second one), waits for a schema read in flight and saves; undefined when it cannot go ahead.
   */
  private async beginRun(): Promise<RunModel | undefined> {
    if (this.running !== undefined) {
      this.banner.show('info', 'A run is in progress: wait for it or cancel it.');
      return undefined;
    }
    const model = emptyRun();
    this.running = { model };
    this.setRunning(true);
    await this.schemaReading;
    const saved = await this.saveNow();
    if (saved.kind !== 'ok') {
      this.running = undefined;
      this.setRunning(false);
      return undefined;
    }
    return model;
  }

  private async run(through: string, from: string | undefined): Promise<void> {
    const model = await this.beginRun();
    if (model === undefined) return;
    this.banner.clear();
    const throughIndex = this.cells.findIndex((c) => c.id === through);
    const fromIndex = from === undefined ? throughIndex : this.cells.findIndex((c) => c.id === from);
    for (let i = fromIndex; i <= throughIndex; i++) {
      const cell = this.cells[i]!;
      cell.editor.clearErrors();
      cell.output.replaceChildren(h('p', { class: 'meta running' }, 'Waiting…'));
      cell.badges.replaceChildren();
    }
    let frame = 0;
    const repaint = (): void => {
      frame = 0;
      this.paintRun(model);
    };
    const result = await streamRun(this.api.session, `/api/v1/worksheets/${encodeURIComponent(this.worksheet.id)}/run`, from === undefined ? { through } : { through, from }, (event) => {
      applyRunEvent(model, event);
      if (this.running !== undefined && model.runId !== undefined) this.running.runId = model.runId;
      frame ||= requestAnimationFrame(repaint);
    });
    cancelAnimationFrame(frame);
    this.paintRun(model);
    this.running = undefined;
    this.setRunning(false);
    if (result.kind !== 'ok') {
      for (let i = fromIndex; i <= throughIndex; i++) {
        const output = this.cells[i]?.output;
        if (output?.querySelector('.running') !== null) output?.replaceChildren();
      }
      this.showFailure(result);
      return;
    }
    this.finishRun(model, through);
  }

  private paintRun(model: RunModel): void {
    for (const planned of model.planned) {
      const cell = this.cells.find((c) => c.id === planned.cellId);
      if (cell === undefined || planned.mode === 'executed') continue;
      cell.badges.replaceChildren(h('span', { class: `badge badge-${planned.mode}`, 'data-mode': planned.mode }, MODE_LABELS[planned.mode]));
    }
    for (const step of model.steps) {
      if (step.mode !== 'executed') continue;
      const cell = this.cells.find((c) => c.id === step.cellId);
      cell?.output.replaceChildren(renderStepResult(step, (text, what) => void this.copy(text, what)));
    }
  }

  private finishRun(model: RunModel, through: string): void {
    const head = this.cells.find((c) => c.id === through);
    if (model.failure !== undefined) this.banner.show('error', `The run stopped: ${model.failure}`);
    if (model.outcome === 'cancelled') this.banner.show('info', 'The run was cancelled. The sandbox is ready for the next one.');
    for (const step of model.steps) {
      if (step.mode !== 'executed') continue;
      const cell = this.cells.find((c) => c.id === step.cellId);
      if (cell === undefined) continue;
      this.underlineError(cell, step);
      const badges: HTMLElement[] = [h('span', { class: `badge badge-executed`, 'data-mode': 'executed' }, `ran in ${formatMs(step.durationMs ?? 0)}`)];
      if (step.published === true) badges.push(h('span', { class: 'badge badge-cached', title: 'The state after this cell is cached' }, 'cached'));
      cell.badges.replaceChildren(...badges);
    }
    const preparation = describePreparation(model);
    if (head !== undefined && preparation !== undefined) {
      head.badges.append(h('span', { class: 'badge badge-prepared', 'data-testid': 'preparation' }, preparation));
    }
    const lastOk = [...model.steps].reverse().find((s) => s.outcome === 'succeeded' && s.transaction === 'idle');
    if (lastOk !== undefined) {
      const known = this.schemaCache.get(this.schemaKey(this.schemaThrough));
      const tailUntouched = model.planned.every((p) => p.mode !== 'restored' && p.mode !== 'replayed');
      this.schemaThrough = lastOk.cellId;
      if (known !== undefined && tailUntouched && !changesSchema(model)) {
        // Nothing that ran can have changed the schema: no need to ask (and hold the sandbox) again.
        this.schemaCache.set(this.schemaKey(this.schemaThrough), known);
        if (this.tab !== 'timeline') void this.renderPanel();
      } else {
        void this.refreshSchema();
      }
    }
    if (this.tab === 'timeline') void this.renderPanel();
  }

  private underlineError(cell: CellView, step: StepResult): void {
    for (const statement of step.statements) {
      const error = statement.error;
      if (error === undefined) continue;
      cell.editor.showError(error.position ?? statement.position, `${error.sqlstate}: ${error.message}`);
      return;
    }
  }

  private setRunning(running: boolean): void {
    this.cancelButton.hidden = !running;
    this.runAllButton.disabled = running;
    this.element.classList.toggle('is-running', running);
    this.cells.forEach((c) => c.element.querySelectorAll<HTMLButtonElement>('[data-testid=run-cell], [data-testid=explain]').forEach((b) => (b.disabled = running)));
  }

  private async cancel(): Promise<void> {
    const runId = this.running?.runId;
    if (runId === undefined) return;
    const result = await this.api.cancelRun(runId);
    if (result.kind !== 'ok' && !(result.kind === 'problem' && result.problem.status === 404)) this.showFailure(result);
  }

  /** Shows the plan of a cell, run read-only on the state before it. */
  private async explain(cell: CellView): Promise<void> {
    const statement = explainStatement(cell.editor.text());
    if (statement.kind === 'refused') {
      cell.output.replaceChildren(h('p', { class: 'note warn' }, statement.reason));
      return;
    }
    const index = this.cells.indexOf(cell);
    const previous = index > 0 ? this.cells[index - 1]!.id : undefined;
    await this.query(previous, statement.sql, cell.output);
  }

  /** Runs SQL read-only on the state after cell at (the base when undefined), showing the result in output. */
  private async query(at: string | undefined, sql: string, output: HTMLElement): Promise<void> {
    const model = await this.beginRun();
    if (model === undefined) return;
    output.replaceChildren(h('p', { class: 'meta running' }, 'Running…'));
    const paint = (): void => {
      const step = model.steps.find((s) => s.cellId === QUERY_STEP);
      if (step !== undefined) output.replaceChildren(renderStepResult(step, (text, what) => void this.copy(text, what)));
    };
    let frame = 0;
    const result = await streamRun(this.api.session, `/api/v1/worksheets/${encodeURIComponent(this.worksheet.id)}/query`, at === undefined ? { sql } : { at, sql }, (event) => {
      applyRunEvent(model, event);
      if (this.running !== undefined && model.runId !== undefined) this.running.runId = model.runId;
      frame ||= requestAnimationFrame(() => {
        frame = 0;
        paint();
      });
    });
    cancelAnimationFrame(frame);
    this.running = undefined;
    this.setRunning(false);
    if (result.kind !== 'ok') {
      output.replaceChildren();
      this.showFailure(result);
      return;
    }
    paint();
    if (model.failure !== undefined) this.banner.show('error', `The query stopped: ${model.failure}`);
  }

  private async copy(text: string, what: string): Promise<void> {
    const done = `Copied ${what === 'value' ? 'the value' : `as ${what}`} to the clipboard.`;
    try {
      await navigator.clipboard.writeText(text);
      this.banner.show('info', done);
    } catch {
      // The Clipboard API exists only on HTTPS and localhost; a self-hosted platform on plain HTTP
      // still copies through a selected text area.
      const area = h('textarea', { class: 'offscreen', readonly: '' });
      area.value = text;
      document.body.append(area);
      area.select();
      const copied = document.execCommand('copy');
      area.remove();
      this.banner.show(copied ? 'info' : 'warn', copied ? done : 'The browser did not allow copying to the clipboard.');
    }
  }

  private async share(): Promise<void> {
    const saved = await this.saveNow();
    if (saved.kind !== 'ok') return;
    const shared = await this.api.share(this.worksheet.id);
    if (shared.kind !== 'ok') {
      this.showFailure(shared);
      return;
    }
    const link = `${location.origin}${location.pathname}#/share/${shared.value.token}`;
    const field = h('input', { type: 'text', readonly: '', value: link, class: 'share-link', 'data-testid': 'share-link', 'aria-label': 'Share link' });
    const copy = h('button', { type: 'button' }, 'Copy link');
    copy.addEventListener('click', () => void this.copy(link, 'link'));
    this.banner.show('info', 'Anyone with this link gets their own copy of this worksheet as it is now:', field, copy);
    field.select();
  }

  private async resetToBase(): Promise<void> {
    if (!confirm('Put the sandbox back at the base? Your cells stay; running a cell replays what it needs.')) return;
    const result = await this.api.reset(this.worksheet.id);
    if (result.kind !== 'ok') {
      this.showFailure(result);
      return;
    }
    this.cells.forEach((c) => {
      c.output.replaceChildren();
      c.badges.replaceChildren();
      c.editor.clearErrors();
    });
    this.schemaThrough = undefined;
    this.banner.show('info', 'The sandbox is back at the base.');
    await this.refreshSchema();
  }

  private schemaKey(through: string | undefined): string {
    const index = through === undefined ? -1 : this.cells.findIndex((c) => c.id === through);
    // The schema after a cell depends on every cell up to it.
    return JSON.stringify(this.cells.slice(0, index + 1).map((c) => c.editor.text()));
  }

  private async loadSchema(through: string | undefined): Promise<ApiResult<DatabaseSchema>> {
    const saved = await this.saveNow();
    if (saved.kind !== 'ok') return saved;
    const key = this.schemaKey(through);
    const cached = this.schemaCache.get(key);
    if (cached !== undefined) return { kind: 'ok', value: cached };
    // Reading a schema holds the worksheet's sandbox; a run started meanwhile would be refused.
    const reading = this.api.schema(this.worksheet.id, through);
    this.schemaReading = reading;
    const result = await reading;
    if (this.schemaReading === reading) this.schemaReading = undefined;
    if (result.kind === 'ok') this.schemaCache.set(key, result.value);
    return result;
  }

  private async refreshSchema(): Promise<void> {
    const result = await this.loadSchema(this.schemaThrough);
    if (result.kind === 'ok') this.cells.forEach((c) => c.editor.setSchema(completionSchema(result.value)));
    if (this.tab !== 'timeline') await this.renderPanel();
  }

  private applySchemaTo(cell: CellView): void {
    const known = this.schemaCache.get(this.schemaKey(this.schemaThrough));
    if (known !== undefined) cell.editor.setSchema(completionSchema(known));
  }

  private async renderPanel(): Promise<void> {
    const tab = this.tab;
    this.panel.replaceChildren(h('p', { class: 'meta loading' }, 'Loading…'));
    if (tab === 'timeline') {
      await this.renderTimeline();
      return;
    }
    const through = this.schemaThrough;
    const result = await this.loadSchema(through);
    if (this.tab !== tab) return;
    if (result.kind !== 'ok') {
      this.panel.replaceChildren(h('p', { class: 'note warn' }, describeFailure(result, {}).message));
      return;
    }
    this.cells.forEach((c) => c.editor.setSchema(completionSchema(result.value)));
    const where = h('p', { class: 'meta' }, through === undefined ? 'At the base' : `After ${this.cellName(through)}`, ` · database ${result.value.database}`);
    this.panel.replaceChildren(
      where,
      tab === 'schema' ? renderSchema(result.value) : renderErDiagram(result.value, `${this.title || 'schema'}.svg`.replace(/[^\w .-]/g, '_')),
    );
  }

  private cellName(cellId: string): string {
    const index = this.cells.findIndex((c) => c.id === cellId);
    return index < 0 ? 'a removed cell' : `cell ${index + 1}`;
  }

  private async renderTimeline(): Promise<void> {
    const saved = await this.saveNow();
    if (saved.kind !== 'ok') return;
    const states = await this.api.states(this.worksheet.id);
    if (this.tab !== 'timeline') return;
    if (states.kind !== 'ok') {
      this.panel.replaceChildren(h('p', { class: 'note warn' }, describeFailure(states, {}).message));
      return;
    }
    const detail = h('div', { class: 'timeline-detail', 'data-testid': 'timeline-detail' });
    const list = h('ol', { class: 'timeline', 'data-testid': 'timeline' });
    const point = (label: string, at: string | undefined, state: CellState | undefined, index: number): HTMLElement => {
      const button = h('button', { type: 'button', class: 'timeline-point', 'data-at': at ?? 'base', 'aria-pressed': 'false' }, label);
      button.addEventListener('click', () => {
        list.querySelectorAll('.timeline-point').forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
        void this.showPoint(detail, at, index);
      });
      const facts = state === undefined ? '' : state.cached ? `cached${state.sizeBytes === undefined ? '' : ` · ${Math.round(state.sizeBytes / 1024)} KiB`}` : 'not cached: replayed on demand';
      return h('li', {}, button, h('span', { class: 'meta' }, facts));
    };
    list.append(point(`Base: ${describeBase(this.worksheet.base, this.datasets)}`, undefined, undefined, -1));
    states.value.forEach((state, i) => {
      const first = this.cells[i]?.editor.text().trim().split('\n')[0] ?? '';
      list.append(point(`Cell ${i + 1}: ${first.length > 40 ? `${first.slice(0, 40)}…` : first || '(empty)'}`, state.cellId, state, i));
    });
    this.panel.replaceChildren(h('p', { class: 'meta' }, 'Pick a point to see its schema and query it read-only.'), list, detail);
  }

  /** Time travel: the schema of an earlier state, a read-only query on it, and continuing from it. */
  private async showPoint(detail: HTMLElement, at: string | undefined, index: number): Promise<void> {
    detail.replaceChildren(h('p', { class: 'meta loading' }, 'Loading the state…'));
    const schema = await this.loadSchema(at);
    const queryHost = h('div', { class: 'editor-host' });
    const output = h('div', { class: 'cell-output' });
    const runQuery = (): void => void this.query(at, editor.text(), output);
    const editor = createEditor(queryHost, { doc: '', label: 'Read-only query on this state', onRun: runQuery });
    if (schema.kind === 'ok') editor.setSchema(completionSchema(schema.value));
    const run = h('button', { type: 'button', 'data-testid': 'run-query' }, 'Run read-only');
    run.addEventListener('click', runQuery);
    const actions: HTMLElement[] = [run];
    if (index < this.cells.length - 1) {
      const later = this.cells.length - 1 - index;
      const continueHere = h('button', { type: 'button', class: 'danger', 'data-testid': 'continue-here' }, 'Continue from here');
      continueHere.addEventListener('click', () => {
        if (!confirm(`Discard the ${later === 1 ? 'cell' : `${later} cells`} after this point? You can undo this.`)) return;
        this.removeCells(index + 1, later, `Continued from ${at === undefined ? 'the base' : `cell ${index + 1}`}: removed ${later === 1 ? 'one cell' : `${later} cells`}.`);
        this.schemaThrough = at;
        void this.saveNow().then(() => this.renderPanel());
      });
      actions.push(continueHere);
    }
    detail.replaceChildren(
      h('h3', {}, at === undefined ? 'The base' : `After cell ${index + 1}`),
      schema.kind === 'ok' ? renderSchema(schema.value) : h('p', { class: 'note warn' }, describeFailure(schema, {}).message),
      queryHost,
      h('div', { class: 'actions' }, ...actions),
      output,
    );
  }
}

/** The step id the runner gives a read-only query. */
export const QUERY_STEP = '@query';

/** Starts a new anonymous session and creates in it a worksheet with the draft's base and cells. */
export async function copyIntoNewSession(api: TaidonApi, draft: Draft): Promise<ApiResult<Worksheet>> {
  api.session.reset();
  const created = await api.createWorksheet(draft.title, draft.base);
  if (created.kind !== 'ok') return created;
  return api.saveWorksheet(created.value.id, draft.title, draft.cells, created.value.version);
}

