import type { DatabaseSchema } from '../api/worksheets';

export interface BoxColumn {
  readonly name: string;
  readonly type: string;
  readonly primaryKey: boolean;
  readonly foreignKey: boolean;
  /** Vertical centre of the column's row, in diagram coordinates. */
  readonly y: number;
}

export interface TableBox {
  /** schema.table */
  readonly key: string;
  readonly schema: string;
  readonly name: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly columns: readonly BoxColumn[];
}

export interface Edge {
  readonly name: string;
  readonly from: string;
  readonly to: string;
  /** An SVG path from the referencing column to the referenced one. */
  readonly path: string;
}

export interface ErLayout {
  readonly tables: readonly TableBox[];
  readonly edges: readonly Edge[];
  readonly width: number;
  readonly height: number;
}

export const HEADER_HEIGHT = 28;
export const ROW_HEIGHT = 20;
const CHAR_WIDTH = 7.2;
const PADDING = 12;
const COLUMN_GAP = 80;
const ROW_GAP = 32;
const MARGIN = 20;
const MAX_COLUMNS_SHOWN = 40;

/**
 * Lays tables out left to right by how they reference each other: a table stands one layer right
 * of every table it references (cycles and self-references are ignored), so foreign keys mostly
 * point left. Within a layer, tables stack top to bottom in name order.
 */
export function layoutEr(schema: DatabaseSchema): ErLayout {
  const tables = schema.schemas.flatMap((s) => s.tables.filter((t) => t.kind !== 'view').map((t) => ({ schema: s.name, table: t })));
  const byKey = new Map(tables.map((t) => [`${t.schema}.${t.table.name}`, t]));
  const layers = new Map<string, number>();
  const visiting = new Set<string>();
  const layerOf = (key: string): number => {
    const known = layers.get(key);
    if (known !== undefined) return known;
    if (visiting.has(key)) return 0;
    visiting.add(key);
    const entry = byKey.get(key);
    let layer = 0;
    for (const fk of entry?.table.foreignKeys ?? []) {
      const target = `${fk.referencedSchema}.${fk.referencedTable}`;
      if (target !== key && byKey.has(target)) layer = Math.max(layer, layerOf(target) + 1);
    }
    visiting.delete(key);
    layers.set(key, layer);
    return layer;
  };
  const columnsOfLayers: string[][] = [];
  for (const key of [...byKey.keys()].sort()) {
    const layer = layerOf(key);
    (columnsOfLayers[layer] ??= []).push(key);
  }

  const boxes = new Map<string, TableBox>();
  let x = MARGIN;
  let height = 0;
  for (const keys of columnsOfLayers) {
    if (keys === undefined) continue;
    let y = MARGIN;
    const sized = keys.map((key) => {
      const { schema: schemaName, table } = byKey.get(key)!;
      const shown = table.columns.slice(0, MAX_COLUMNS_SHOWN);
      const widest = Math.max(
        `${schemaName}.${table.name}`.length,
        ...shown.map((c) => c.name.length + c.type.length + 6),
      );
      return { key, schemaName, table, shown, width: Math.ceil(widest * CHAR_WIDTH + 2 * PADDING) };
    });
    const layerWidth = Math.max(...sized.map((s) => s.width));
    for (const { key, schemaName, table, shown } of sized) {
      const fkColumns = new Set(table.foreignKeys.flatMap((fk) => fk.columns));
      const pk = new Set(table.primaryKey);
      const rows = shown.length + (table.columns.length > shown.length ? 1 : 0);
      const box: TableBox = {
        key,
        schema: schemaName,
        name: table.name,
        x,
        y,
        width: layerWidth,
        height: HEADER_HEIGHT + rows * ROW_HEIGHT + 6,
        columns: shown.map((c, i) => ({
          name: c.name,
          type: c.type,
          primaryKey: pk.has(c.name),
          foreignKey: fkColumns.has(c.name),
          y: y + HEADER_HEIGHT + i * ROW_HEIGHT + ROW_HEIGHT / 2 + 3,
        })),
      };
      boxes.set(key, box);
      y += box.height + ROW_GAP;
    }
    height = Math.max(height, y);
    x += layerWidth + COLUMN_GAP;
  }

  const edges: Edge[] = [];
  for (const { schema: schemaName, table } of tables) {
    const from = boxes.get(`${schemaName}.${table.name}`)!;
    for (const fk of table.foreignKeys) {
      const to = boxes.get(`${fk.referencedSchema}.${fk.referencedTable}`);
      if (to === undefined) continue;
      edges.push({ name: fk.name, from: from.key, to: to.key, path: connect(from, fk.columns[0], to, fk.referencedColumns[0]) });
    }
  }
  return { tables: [...boxes.values()], edges, width: Math.max(x - COLUMN_GAP + MARGIN, 200), height: Math.max(height, 100) };
}

function rowY(box: TableBox, column: string | undefined): number {
  return box.columns.find((c) => c.name === column)?.y ?? box.y + HEADER_HEIGHT / 2;
}

function connect(from: TableBox, fromColumn: string | undefined, to: TableBox, toColumn: string | undefined): string {
  const y1 = rowY(from, fromColumn);
  const y2 = rowY(to, toColumn);
  if (from.key === to.key) {
    // A self-reference loops out of the right edge and back.
    const right = from.x + from.width;
    return `M ${right} ${y1} C ${right + 40} ${y1}, ${right + 40} ${y2}, ${right} ${y2}`;
  }
  const leftToRight = from.x > to.x;
  const x1 = leftToRight ? from.x : from.x + from.width;
  const x2 = leftToRight ? to.x + to.width : to.x;
  const bend = Math.max(30, Math.abs(x2 - x1) / 2);
  const c1 = leftToRight ? x1 - bend : x1 + bend;
  const c2 = leftToRight ? x2 + bend : x2 - bend;
  return `M ${x1} ${y1} C ${c1} ${y1}, ${c2} ${y2}, ${x2} ${y2}`;
}
