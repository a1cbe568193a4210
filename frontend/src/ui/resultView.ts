import { parsePlan } from '../model/plan';
import { formatMs, plural, type StatementResult, type StepResult } from '../model/run';
import { h } from './dom';
import { renderGrid } from './grid';
import { renderPlan } from './planView';

export type Copy = (text: string, what: string) => void;

/** Everything one step (a cell's execution) produced, statement by statement, in order. */
export function renderStepResult(step: StepResult, copy: Copy): HTMLElement {
  const parts: HTMLElement[] = step.statements.map((statement) => renderStatement(statement, copy));
  if (step.statements.length === 0 && step.outcome === 'succeeded') parts.push(h('p', { class: 'meta' }, 'The cell has no statements.'));
  if (step.transaction === 'open') {
    parts.push(h('p', { class: 'note', 'data-testid': 'transaction-open' }, 'A transaction is open: no state is saved for this cell until a later cell commits or rolls back.'));
  } else if (step.transaction === 'failed') {
    parts.push(h('p', { class: 'note warn' }, 'The open transaction failed: only ROLLBACK helps now.'));
  }
  if (step.volatileFunctions === true) {
    parts.push(h('p', { class: 'note' }, 'This cell calls functions such as now() or random(): replaying it gives new values.'));
  }
  return h('div', { class: 'step-result', 'data-outcome': step.outcome ?? 'running' }, ...parts);
}

function renderStatement(statement: StatementResult, copy: Copy): HTMLElement {
  const firstLine = statement.sql.trim().split('\n')[0] ?? '';
  const summary: (HTMLElement | string)[] = [];
  if (statement.commandTag !== undefined) summary.push(h('span', { class: 'tag', 'data-testid': 'command-tag' }, statement.commandTag));
  if (statement.columns !== undefined) summary.push(h('span', { class: 'meta' }, plural(statement.rows.length, 'row')));
  if (statement.durationMs !== undefined) summary.push(h('span', { class: 'meta' }, formatMs(statement.durationMs)));
  if (!statement.finished) summary.push(h('span', { class: 'meta running' }, 'running…'));
  const header = h(
    'div',
    { class: 'statement-head' },
    h('code', { class: 'statement-sql', title: statement.sql.slice(0, 2000) }, firstLine.length > 90 ? `${firstLine.slice(0, 90)}…` : firstLine),
    h('span', { class: 'meta' }, ` line ${statement.position.line}`),
    ...summary,
  );
  const body: HTMLElement[] = [header];
  if (statement.error !== undefined) {
    const e = statement.error;
    body.push(
      h(
        'div',
        { class: 'sql-error', role: 'alert', 'data-testid': 'sql-error', 'data-sqlstate': e.sqlstate },
        h('p', {}, h('strong', {}, 'ERROR '), h('code', {}, e.sqlstate), `: ${e.message}`),
        e.position === undefined ? '' : h('p', { class: 'meta' }, `at line ${e.position.line}, column ${e.position.column}`),
        e.detail === undefined ? '' : h('p', {}, h('strong', {}, 'Detail: '), e.detail),
        e.hint === undefined ? '' : h('p', {}, h('strong', {}, 'Hint: '), e.hint),
        e.context === undefined ? '' : h('pre', { class: 'meta' }, e.context),
      ),
    );
  }
  if (statement.notices.length > 0) {
    body.push(
      h(
        'ul',
        { class: 'notices', 'data-testid': 'notices' },
        ...statement.notices.map((n) =>
          h('li', { class: `notice notice-${n.severity.toLowerCase()}` }, h('strong', {}, `${n.severity}: `), n.message, n.detail === undefined ? '' : ` (${n.detail})`, n.hint === undefined ? '' : ` Hint: ${n.hint}`),
        ),
      ),
    );
  }
  const plan = statement.plan === undefined ? undefined : parsePlan(statement.plan);
  if (plan !== undefined) {
    body.push(renderPlan(plan));
  } else if (statement.columns !== undefined) {
    body.push(renderGrid(statement.columns, statement.rows, copy));
  }
  if (statement.truncated) {
    body.push(
      h('p', { class: 'note warn', 'data-testid': 'truncated' }, truncation(statement)),
    );
  }
  return h('section', { class: 'statement', 'data-index': String(statement.index) }, ...body);
}

/** Says what the result limits left out, as exactly as the statement's outcome tells. */
export function truncation(statement: Pick<StatementResult, 'rows' | 'rowCount'>): string {
  const shown = statement.rows.length;
  if (statement.rowCount !== undefined && statement.rowCount > shown) {
    return `Showing the first ${plural(shown, 'row')} of ${statement.rowCount}: your account's result limit cut the rest.`;
  }
  return "Truncated: your account's result limits cut long values or the last rows. Narrow the query (fewer columns, LIMIT, substr) to see everything.";
}
