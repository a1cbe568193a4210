import { isRecord } from '../api/validate';

/** How a step was applied in a run, as the runner reports it. */
export type StepMode = 'reused' | 'restored' | 'replayed' | 'executed';

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface SqlError {
  readonly sqlstate: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly position?: Position;
  readonly context?: string;
}

export interface Notice {
  readonly severity: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
}

export interface ResultColumn {
  readonly name: string;
  readonly type: string;
}

/** One statement's outcome; rows grow while the stream delivers them. */
export interface StatementResult {
  readonly index: number;
  readonly sql: string;
  readonly position: Position;
  columns?: ResultColumn[];
  readonly rows: (string | null)[][];
  readonly notices: Notice[];
  commandTag?: string;
  rowCount?: number;
  truncated: boolean;
  error?: SqlError;
  plan?: unknown;
  durationMs?: number;
  finished: boolean;
}

export interface StepResult {
  readonly cellId: string;
  mode: StepMode;
  stateId?: string;
  readonly statements: StatementResult[];
  outcome?: string;
  transaction?: string;
  published?: boolean;
  volatileFunctions?: boolean;
  durationMs?: number;
}

export interface Timings {
  readonly planMs: number;
  readonly restoreMs: number;
  readonly replayMs: number;
  readonly executeMs: number;
  readonly totalMs: number;
}

/** What the SPA knows of a run, built from its events in order. */
export interface RunModel {
  runId?: string;
  /** Every step through the last cell, with how it is applied; known from the first event. */
  planned: { cellId: string; stateId: string; mode: StepMode }[];
  readonly steps: StepResult[];
  outcome?: string;
  timings?: Timings;
  failure?: string;
}

export function emptyRun(): RunModel {
  return { planned: [], steps: [] };
}

const MODES: readonly string[] = ['reused', 'restored', 'replayed', 'executed'];

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const mode = (value: unknown): StepMode => (typeof value === 'string' && MODES.includes(value) ? (value as StepMode) : 'executed');

function position(value: unknown): Position | undefined {
  if (!isRecord(value)) return undefined;
  const line = num(value.line);
  const column = num(value.column);
  return line === undefined || column === undefined ? undefined : { line, column };
}

function optional<T extends object>(target: T, values: Record<string, unknown>): T {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
  return target;
}

function sqlError(value: unknown): SqlError | undefined {
  if (!isRecord(value)) return undefined;
  return optional(
    { sqlstate: text(value.sqlstate) ?? '?????', message: text(value.message) ?? 'The statement failed.' },
    { detail: text(value.detail), hint: text(value.hint), position: position(value.position), context: text(value.context) },
  );
}

/**
 * Applies one event of the run stream to the model. Unknown events and events out of order are
 * ignored, so a newer server cannot break an older page.
 */
export function applyRunEvent(run: RunModel, event: unknown): void {
  if (!isRecord(event)) return;
  const step = run.steps.at(-1);
  const statement = step?.statements.at(-1);
  switch (event.event) {
    case 'run':
      optional(run, { runId: text(event.runId) });
      run.planned = Array.isArray(event.steps)
        ? event.steps.filter(isRecord).map((s) => ({ cellId: text(s.cellId) ?? '', stateId: text(s.stateId) ?? '', mode: mode(s.mode) }))
        : [];
      return;
    case 'step':
      run.steps.push({ cellId: text(event.cellId) ?? '', mode: mode(event.mode), statements: [] });
      return;
    case 'statement':
      step?.statements.push({
        index: num(event.index) ?? step.statements.length,
        sql: text(event.sql) ?? '',
        position: position(event.position) ?? { line: 1, column: 1 },
        rows: [],
        notices: [],
        truncated: false,
        finished: false,
      });
      return;
    case 'columns':
      if (statement !== undefined && Array.isArray(event.columns)) {
        statement.columns = event.columns.filter(isRecord).map((c) => ({ name: text(c.name) ?? '?', type: text(c.type) ?? '' }));
      }
      return;
    case 'rows':
      if (statement !== undefined && Array.isArray(event.rows)) {
        for (const row of event.rows) {
          if (Array.isArray(row)) statement.rows.push(row.map((v) => (v === null ? null : String(v))));
        }
      }
      return;
    case 'notice':
      statement?.notices.push(
        optional({ severity: text(event.severity) ?? 'NOTICE', message: text(event.message) ?? '' }, {
          detail: text(event.detail),
          hint: text(event.hint),
        }),
      );
      return;
    case 'statementEnd':
      if (statement === undefined) return;
      optional(statement, {
        commandTag: text(event.commandTag),
        rowCount: num(event.rowCount),
        error: sqlError(event.error),
        plan: event.plan ?? undefined,
        durationMs: num(event.durationMs),
      });
      statement.truncated = event.truncated === true;
      statement.finished = true;
      return;
    case 'stepEnd':
      if (step === undefined) return;
      optional(step, {
        stateId: text(event.stateId),
        outcome: text(event.outcome),
        transaction: text(event.transaction),
        durationMs: num(event.durationMs),
      });
      step.published = event.published === true;
      step.volatileFunctions = event.volatileFunctions === true;
      return;
    case 'end':
      run.outcome = text(event.outcome) ?? 'failed';
      optional(run, { failure: text(event.failure) });
      if (isRecord(event.timings)) {
        const t = event.timings;
        run.timings = {
          planMs: num(t.planMs) ?? 0,
          restoreMs: num(t.restoreMs) ?? 0,
          replayMs: num(t.replayMs) ?? 0,
          executeMs: num(t.executeMs) ?? 0,
          totalMs: num(t.totalMs) ?? 0,
        };
      }
      return;
    default:
      return;
  }
}

/** What a mode means to a learner, for the badge of a cell that was not executed with results. */
export const MODE_LABELS: Readonly<Record<StepMode, string>> = {
  reused: 'state reused',
  restored: 'restored from cache',
  replayed: 'replayed',
  executed: 'executed',
};

/** A short account of how the cells before the head were brought into place, for a badge. */
export function describePreparation(run: RunModel): string | undefined {
  const counts = { reused: 0, restored: 0, replayed: 0 };
  for (const step of run.planned) if (step.mode !== 'executed') counts[step.mode]++;
  const parts: string[] = [];
  if (counts.restored > 0) parts.push(`restored ${plural(counts.restored, 'cell')} from cache`);
  if (counts.replayed > 0) parts.push(`replayed ${plural(counts.replayed, 'cell')}`);
  if (parts.length === 0) return counts.reused > 0 ? 'no replay needed' : undefined;
  const t = run.timings;
  const took = t === undefined ? '' : ` · ${formatMs(t.restoreMs + t.replayMs)}`;
  return parts.join(', ') + took;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

const SCHEMA_CHANGING_TAG = /^(CREATE|ALTER|DROP|COMMENT|IMPORT|GRANT|REVOKE|SECURITY LABEL|DO|CALL)\b/;

/**
 * Whether a statement the run executed may have changed the schema: DDL by its command tag, a
 * block or procedure (which may hold DDL), or CREATE TABLE AS and SELECT INTO, which report
 * {@code SELECT n}. Errs towards yes.
 */
export function changesSchema(run: RunModel): boolean {
  return run.steps.some((step) =>
    step.statements.some((statement) => {
      const tag = statement.commandTag ?? '';
      return SCHEMA_CHANGING_TAG.test(tag) || (tag.startsWith('SELECT') && /\b(INTO|CREATE)\b/i.test(statement.sql));
    }),
  );
}
