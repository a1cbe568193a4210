import { toCsv, toMarkdown, toTsv } from '../model/exportRows';
import type { ResultColumn } from '../model/run';
import { h } from './dom';

type Row = readonly (string | null)[];

/** Rows drawn at once; beyond this only the rows in view are in the DOM. */
export const RENDER_ALL_BELOW = 200;
/** Must equal the row height in styles.css (.grid td). */
const ROW_HEIGHT = 26;
const OVERSCAN = 20;
/** Longer values (or values with line breaks) are cut in the grid and shown whole on request. */
const SHOWN_CHARS = 100;

/**
 * A result grid: column names with their PostgreSQL types, NULL shown apart from text, long
 * values expandable, copy as CSV, TSV or Markdown. Large results draw only the rows in view.
 */
export function renderGrid(columns: readonly ResultColumn[], rows: readonly Row[], copy: (text: string, what: string) => void): HTMLElement {
  const head = h(
    'tr',
    {},
    h('th', { class: 'rownum', scope: 'col' }, '#'),
    ...columns.map((c) => h('th', { scope: 'col', title: `${c.name} ${c.type}` }, h('span', { class: 'col-name' }, c.name), h('span', { class: 'col-type' }, c.type))),
  );
  const body = h('tbody');
  const table = h('table', { class: 'grid-table', 'data-testid': 'grid' }, h('thead', {}, head), body);
  const scroller = h('div', { class: 'grid-scroll', tabindex: '0', role: 'region', 'aria-label': `Result grid, ${rows.length} rows` }, table);

  const drawRows = (from: number, to: number): void => {
    const drawn: HTMLElement[] = [];
    if (from > 0) drawn.push(spacer(from * ROW_HEIGHT, columns.length + 1));
    for (let i = from; i < to; i++) drawn.push(renderRow(rows[i]!, i));
    if (to < rows.length) drawn.push(spacer((rows.length - to) * ROW_HEIGHT, columns.length + 1));
    body.replaceChildren(...drawn);
  };

  if (rows.length <= RENDER_ALL_BELOW) {
    drawRows(0, rows.length);
  } else {
    let drawnFrom = -1;
    const update = (): void => {
      const visible = Math.ceil(scroller.clientHeight / ROW_HEIGHT) || 20;
      const first = Math.max(0, Math.floor(scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
      if (first === drawnFrom) return;
      drawnFrom = first;
      drawRows(first, Math.min(rows.length, first + visible + 2 * OVERSCAN));
    };
    scroller.addEventListener('scroll', () => requestAnimationFrame(update), { passive: true });
    drawRows(0, Math.min(rows.length, 60));
    requestAnimationFrame(update);
  }

  body.addEventListener('click', (event) => {
    const button = (event.target as Element).closest('button.expand');
    if (button === null) return;
    const row = Number(button.getAttribute('data-row'));
    const col = Number(button.getAttribute('data-col'));
    const value = rows[row]?.[col];
    if (typeof value === 'string') openValue(columns[col]!, value, copy);
  });

  const copyButton = (label: string, make: () => string) => {
    const button = h('button', { type: 'button', class: 'small', 'data-testid': `copy-${label.toLowerCase()}` }, label);
    button.addEventListener('click', () => copy(make(), label));
    return button;
  };
  const toolbar = h(
    'div',
    { class: 'grid-toolbar' },
    h('span', { class: 'meta' }, 'Copy as'),
    copyButton('CSV', () => toCsv(columns, rows)),
    copyButton('TSV', () => toTsv(columns, rows)),
    copyButton('Markdown', () => toMarkdown(columns, rows)),
  );
  return h('div', { class: 'grid' }, scroller, toolbar);
}

function spacer(height: number, span: number): HTMLElement {
  const cell = h('td', { colspan: String(span), class: 'spacer' });
  const row = h('tr', { 'aria-hidden': 'true' }, cell);
  // CSSOM, not a style attribute: the Content-Security-Policy allows it.
  cell.style.height = `${height}px`;
  return row;
}

function renderRow(row: Row, index: number): HTMLElement {
  return h(
    'tr',
    {},
    h('td', { class: 'rownum' }, String(index + 1)),
    ...row.map((value, col) => {
      if (value === null) return h('td', { class: 'null', 'data-null': 'true' }, 'NULL');
      const firstBreak = value.search(/[\r\n]/);
      const cutAt = firstBreak >= 0 ? Math.min(firstBreak, SHOWN_CHARS) : value.length > SHOWN_CHARS ? SHOWN_CHARS : -1;
      if (cutAt < 0) return h('td', {}, value);
      return h(
        'td',
        {},
        h('span', { class: 'cut' }, value.slice(0, cutAt)),
        h('button', { type: 'button', class: 'expand', 'data-row': String(index), 'data-col': String(col), 'aria-label': `Show the whole value (${value.length} characters)` }, '…'),
      );
    }),
  );
}

function openValue(column: ResultColumn, value: string, copy: (text: string, what: string) => void): void {
  const close = h('button', { type: 'button' }, 'Close');
  const copyValue = h('button', { type: 'button' }, 'Copy');
  const dialog = h(
    'dialog',
    { class: 'value-dialog', 'aria-label': `Value of ${column.name}` },
    h('h3', {}, `${column.name} `, h('span', { class: 'col-type' }, column.type), ` · ${value.length} characters`),
    h('pre', { class: 'value' }, value),
    h('div', { class: 'actions' }, copyValue, close),
  );
  close.addEventListener('click', () => dialog.close());
  copyValue.addEventListener('click', () => copy(value, 'value'));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}
