import type { DatabaseSchema } from '../api/worksheets';
import { h } from './dom';

/** The schema of a state as a collapsible outline: schemas, tables with columns and keys, functions. */
export function renderSchema(schema: DatabaseSchema): HTMLElement {
  const shown = schema.schemas.filter((s) => s.tables.length > 0 || s.functions.length > 0);
  if (shown.length === 0) return h('p', { class: 'none' }, 'No tables or functions yet.');
  return h(
    'div',
    { class: 'schema-tree', 'data-testid': 'schema-tree' },
    ...shown.map((namespace) =>
      h(
        'details',
        { open: '' },
        h('summary', {}, h('strong', {}, namespace.name), h('span', { class: 'meta' }, ` ${namespace.tables.length} tables`)),
        h(
          'ul',
          {},
          ...namespace.tables.map((table) => {
            const pk = new Set(table.primaryKey);
            const fks = new Map(table.foreignKeys.flatMap((fk) => fk.columns.map((c) => [c, `${fk.referencedTable}.${fk.referencedColumns.join(', ')}`] as const)));
            return h(
              'li',
              { 'data-table': `${namespace.name}.${table.name}` },
              h(
                'details',
                {},
                h('summary', {}, table.name, table.kind === 'table' ? '' : h('span', { class: 'meta' }, ` ${table.kind}`)),
                h(
                  'ul',
                  { class: 'columns' },
                  ...table.columns.map((column) =>
                    h(
                      'li',
                      {},
                      pk.has(column.name) ? h('span', { class: 'key pk', title: 'primary key' }, 'PK') : '',
                      fks.has(column.name) ? h('span', { class: 'key fk', title: `references ${fks.get(column.name)}` }, 'FK') : '',
                      h('code', {}, column.name),
                      ' ',
                      h('span', { class: 'col-type' }, column.type),
                      column.nullable === false ? h('span', { class: 'meta' }, ' not null') : '',
                    ),
                  ),
                ),
              ),
            );
          }),
        ),
        namespace.functions.length === 0
          ? ''
          : h('details', {}, h('summary', {}, `Functions (${namespace.functions.length})`), h('ul', {}, ...namespace.functions.map((fn) => h('li', {}, h('code', {}, `${fn.name}(${fn.arguments})`), h('span', { class: 'col-type' }, ` → ${fn.result}`))))),
      ),
    ),
  );
}
