import type { ApiResult } from '../api/client';
import { describeBase, type Dataset, type TaidonApi, type WorksheetBase, type WorksheetSummary } from '../api/worksheets';
import { describeFailure } from './banner';
import { h } from './dom';

/** A first cell that shows the dataset at once. */
export function starterSql(dataset: Dataset | undefined): string {
  const table = dataset?.tables[0];
  if (dataset === undefined || table === undefined) return '';
  const qualified = dataset.id === 'clubdata' && !table.includes('.') ? `cd.${table}` : table;
  return `SELECT * FROM ${qualified} LIMIT 10;`;
}

/**
 * The start page: the built-in datasets with what they hold, a blank playground, and the
 * learner's worksheets (the most recent first, to continue where they left off).
 */
export async function renderStartPage(
  api: TaidonApi,
  datasets: ApiResult<Dataset[]>,
  open: (worksheetId: string) => void,
): Promise<HTMLElement> {
  const status = h('div', { class: 'banner', role: 'alert', hidden: '' });
  const fail = (result: Exclude<ApiResult<unknown>, { kind: 'ok' }>): void => {
    status.replaceChildren(h('p', {}, describeFailure(result, {}).message));
    status.hidden = false;
  };
  const create = async (title: string, base: WorksheetBase, sql: string): Promise<void> => {
    const created = await api.createWorksheet(title, base);
    if (created.kind !== 'ok') return fail(created);
    if (sql !== '') {
      const cells = [{ id: 'c-first', sql }];
      const saved = await api.saveWorksheet(created.value.id, title, cells, created.value.version);
      if (saved.kind !== 'ok') return fail(saved);
    }
    open(created.value.id);
  };

  const cards = h('div', { class: 'cards', 'data-testid': 'datasets' });
  if (datasets.kind === 'ok') {
    for (const dataset of datasets.value) {
      const button = h('button', { type: 'button', class: 'primary', 'data-dataset': dataset.id }, `Open ${dataset.title}`);
      button.addEventListener('click', () => void create(dataset.title, { dataset: dataset.id }, starterSql(dataset)));
      cards.append(
        h(
          'article',
          { class: 'card', 'data-testid': 'dataset-card' },
          h('h3', {}, dataset.title),
          h('p', {}, dataset.description),
          h('p', { class: 'meta' }, `Tables: ${dataset.tables.join(', ')}`),
          h('p', { class: 'meta' }, `Licence: ${dataset.licence}`),
          button,
        ),
      );
    }
  } else {
    fail(datasets);
  }
  const blank = h('button', { type: 'button', 'data-testid': 'blank-playground' }, 'Open a blank playground');
  blank.addEventListener('click', () => void create('Playground', {}, ''));
  cards.append(
    h('article', { class: 'card' }, h('h3', {}, 'Blank playground'), h('p', {}, 'An empty PostgreSQL database: create your own tables and play.'), blank),
  );

  const mine = await api.worksheets();
  const list = h('ul', { class: 'worksheet-list', 'data-testid': 'worksheet-list' });
  if (mine.kind === 'ok') {
    mine.value.forEach((w) => list.append(worksheetItem(api, w, datasets.kind === 'ok' ? datasets.value : [], open, fail)));
  }
  return h(
    'div',
    { class: 'start-page', 'data-testid': 'start-page' },
    status,
    h('h2', { tabindex: '-1' }, 'Start with a dataset'),
    cards,
    mine.kind === 'ok' && mine.value.length > 0 ? h('section', {}, h('h2', {}, 'Your worksheets'), list) : '',
  );
}

function worksheetItem(
  api: TaidonApi,
  worksheet: WorksheetSummary,
  datasets: readonly Dataset[],
  open: (id: string) => void,
  fail: (result: Exclude<ApiResult<unknown>, { kind: 'ok' }>) => void,
): HTMLElement {
  const link = h('a', { href: `#/w/${worksheet.id}` }, worksheet.title || 'Untitled');
  link.addEventListener('click', (event) => {
    event.preventDefault();
    open(worksheet.id);
  });
  const remove = h('button', { type: 'button', class: 'small', 'aria-label': `Delete ${worksheet.title || 'Untitled'}` }, 'Delete');
  const item = h('li', {}, link, h('span', { class: 'meta' }, ` on ${describeBase(worksheet.base, datasets)}${worksheet.updatedAt === undefined ? '' : ` · ${new Date(worksheet.updatedAt).toLocaleString()}`}`), ' ', remove);
  remove.addEventListener('click', async () => {
    if (!confirm(`Delete the worksheet "${worksheet.title || 'Untitled'}"? This cannot be undone.`)) return;
    const result = await api.deleteWorksheet(worksheet.id);
    if (result.kind === 'ok') item.remove();
    else fail(result);
  });
  return item;
}
