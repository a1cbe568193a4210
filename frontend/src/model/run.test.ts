import { describe, expect, it } from 'vitest';
import { applyRunEvent, changesSchema, describePreparation, emptyRun, formatMs } from './run';

const events = [
  { event: 'run', runId: 'run-1', worksheetId: 'ws-1', steps: [
    { cellId: 'a', stateId: 's1', mode: 'restored' },
    { cellId: 'b', stateId: 's2', mode: 'replayed' },
    { cellId: 'c', stateId: 's3', mode: 'executed' },
  ] },
  { event: 'step', cellId: 'b', mode: 'replayed' },
  { event: 'stepEnd', cellId: 'b', stateId: 's2', outcome: 'succeeded', transaction: 'idle', published: true, volatileFunctions: false, durationMs: 3 },
  { event: 'step', cellId: 'c', mode: 'executed' },
  { event: 'statement', index: 0, sql: 'SELECT 1 AS n, NULL AS x', position: { line: 1, column: 1 } },
  { event: 'columns', columns: [{ name: 'n', type: 'integer' }, { name: 'x', type: 'text' }] },
  { event: 'rows', rows: [['1', null], ['NULL', 'y']] },
  { event: 'notice', severity: 'WARNING', message: 'careful', hint: 'h' },
  { event: 'statementEnd', commandTag: 'SELECT 2', rowCount: 2, truncated: true, durationMs: 1.5 },
  { event: 'heartbeat' },
  { event: 'statement', index: 1, sql: 'SELEC', position: { line: 2, column: 1 } },
  { event: 'statementEnd', truncated: false, error: { sqlstate: '42601', message: 'syntax error at or near "SELEC"', position: { line: 2, column: 1 } }, durationMs: 0.2 },
  { event: 'stepEnd', cellId: 'c', stateId: 's3', outcome: 'failed', transaction: 'idle', published: false, volatileFunctions: true, durationMs: 2 },
  { event: 'end', outcome: 'failed', timings: { planMs: 1, restoreMs: 10, replayMs: 3, executeMs: 2, totalMs: 16 } },
];

describe('applyRunEvent', () => {
  it('builds steps, statements, rows and outcome from the events in order', () => {
    const run = emptyRun();
    events.forEach((e) => applyRunEvent(run, e));
    expect(run.runId).toBe('run-1');
    expect(run.planned.map((p) => p.mode)).toEqual(['restored', 'replayed', 'executed']);
    expect(run.steps.map((s) => [s.cellId, s.mode, s.outcome])).toEqual([['b', 'replayed', 'succeeded'], ['c', 'executed', 'failed']]);
    const [select, broken] = run.steps[1]!.statements;
    expect(select).toMatchObject({ commandTag: 'SELECT 2', rowCount: 2, truncated: true, finished: true });
    expect(select!.rows).toEqual([['1', null], ['NULL', 'y']]);
    expect(select!.rows[0]![1]).toBeNull();
    expect(select!.notices).toEqual([{ severity: 'WARNING', message: 'careful', hint: 'h' }]);
    expect(broken!.error).toEqual({ sqlstate: '42601', message: 'syntax error at or near "SELEC"', position: { line: 2, column: 1 } });
    expect(run.steps[1]!.volatileFunctions).toBe(true);
    expect(run.outcome).toBe('failed');
    expect(run.timings?.totalMs).toBe(16);
  });

  it('ignores garbage, unknown events and events that arrive before their step', () => {
    const run = emptyRun();
    for (const e of [null, 42, 'x', [], { event: 'rows', rows: [['1']] }, { event: 'future' }, { event: 'statementEnd' }, { event: 'step', cellId: 7, mode: 'weird' }]) {
      applyRunEvent(run, e);
    }
    expect(run.steps).toEqual([{ cellId: '', mode: 'executed', statements: [] }]);
    expect(run.outcome).toBeUndefined();
  });

  it('describes how the cells before the head were prepared', () => {
    const run = emptyRun();
    events.forEach((e) => applyRunEvent(run, e));
    expect(describePreparation(run)).toBe('restored 1 cell from cache, replayed 1 cell · 13 ms');
    expect(describePreparation(emptyRun())).toBeUndefined();
    const reusedOnly = emptyRun();
    applyRunEvent(reusedOnly, { event: 'run', steps: [{ cellId: 'a', stateId: 's', mode: 'reused' }, { cellId: 'b', stateId: 't', mode: 'executed' }] });
    expect(describePreparation(reusedOnly)).toBe('no replay needed');
  });

  it('formats durations for people', () => {
    expect([formatMs(0.25), formatMs(12.4), formatMs(1500), formatMs(42_000)]).toEqual(['0.25 ms', '12 ms', '1.50 s', '42.0 s']);
  });
});

describe('changesSchema', () => {
  const ran = (sql: string, commandTag: string) => {
    const run = emptyRun();
    for (const e of [{ event: 'step', cellId: 'a', mode: 'executed' }, { event: 'statement', index: 0, sql, position: { line: 1, column: 1 } }, { event: 'statementEnd', commandTag, truncated: false }]) {
      applyRunEvent(run, e);
    }
    return run;
  };

  it('is true for DDL, blocks and tables made by queries', () => {
    expect(changesSchema(ran('CREATE TABLE t (a int)', 'CREATE TABLE'))).toBe(true);
    expect(changesSchema(ran('DO $$ BEGIN EXECUTE 1; END $$', 'DO'))).toBe(true);
    expect(changesSchema(ran('CREATE TABLE t AS SELECT 1', 'SELECT 1'))).toBe(true);
    expect(changesSchema(ran('SELECT 1 INTO t', 'SELECT 1'))).toBe(true);
  });

  it('is false for queries and data changes', () => {
    expect(changesSchema(ran('SELECT * FROM t', 'SELECT 3'))).toBe(false);
    expect(changesSchema(ran('INSERT INTO t VALUES (1)', 'INSERT 0 1'))).toBe(false);
    expect(changesSchema(emptyRun())).toBe(false);
  });
});
