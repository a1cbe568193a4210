import type { ApiResult } from './client';
import type { ApiSession } from './session';
import {
  PayloadError,
  expectArray,
  expectInteger,
  expectRecord,
  expectString,
  expectStringArray,
} from './validate';

export interface Dataset {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly licence: string;
  readonly database: string;
  readonly tables: readonly string[];
}

/** At most one member; none means an empty database. */
export interface WorksheetBase {
  readonly dataset?: string;
  readonly project?: string;
  readonly stateId?: string;
}

export interface Cell {
  readonly id: string;
  readonly sql: string;
}

export interface Worksheet {
  readonly id: string;
  readonly title: string;
  readonly base: WorksheetBase;
  readonly cells: readonly Cell[];
  readonly version: number;
  readonly updatedAt?: string;
}

export interface WorksheetSummary {
  readonly id: string;
  readonly title: string;
  readonly base: WorksheetBase;
  readonly updatedAt?: string;
}

export interface CellState {
  readonly cellId: string;
  readonly stateId: string;
  readonly cached: boolean;
  readonly cachedAt?: string;
  readonly sizeBytes?: number;
}

export interface Share {
  readonly token: string;
  readonly title: string;
  readonly base: WorksheetBase;
  readonly cells: readonly Cell[];
}

export interface Column {
  readonly name: string;
  readonly type: string;
  readonly nullable?: boolean;
  readonly defaultValue?: string;
}

export interface ForeignKey {
  readonly name: string;
  readonly columns: readonly string[];
  readonly referencedSchema: string;
  readonly referencedTable: string;
  readonly referencedColumns: readonly string[];
}

export interface Table {
  readonly name: string;
  readonly kind: string;
  readonly columns: readonly Column[];
  readonly primaryKey: readonly string[];
  readonly foreignKeys: readonly ForeignKey[];
}

export interface SqlFunction {
  readonly name: string;
  readonly arguments: string;
  readonly result: string;
}

export interface SchemaNamespace {
  readonly name: string;
  readonly tables: readonly Table[];
  readonly functions: readonly SqlFunction[];
}

export interface DatabaseSchema {
  readonly database: string;
  readonly schemas: readonly SchemaNamespace[];
}

const MAX_ITEMS = 10_000;
const NAME = 1_000;
const SQL = 262_144;

const optionalString = (value: unknown, path: string, max: number): string | undefined =>
  value === undefined || value === null ? undefined : expectString(value, path, max);

const strings = (value: unknown, path: string): string[] =>
  value === undefined || value === null ? [] : expectStringArray(value, path, MAX_ITEMS, NAME);

function withOptional<T extends object, K extends string, V>(target: T, key: K, value: V | undefined): T & { [P in K]?: V } {
  return value === undefined ? target : { ...target, [key]: value };
}

export function parseDatasets(json: unknown): Dataset[] {
  return expectArray(json, 'datasets', 1000).map((item, i) => {
    const d = expectRecord(item, `datasets[${i}]`);
    return {
      id: expectString(d.id, `datasets[${i}].id`, NAME),
      title: expectString(d.title, `datasets[${i}].title`, NAME),
      description: expectString(d.description, `datasets[${i}].description`, 10_000),
      licence: expectString(d.licence, `datasets[${i}].licence`, NAME),
      database: expectString(d.database, `datasets[${i}].database`, NAME),
      tables: strings(d.tables, `datasets[${i}].tables`),
    };
  });
}

export function parseBase(json: unknown, path: string): WorksheetBase {
  const base = json === undefined || json === null ? {} : expectRecord(json, path);
  let parsed: WorksheetBase = {};
  parsed = withOptional(parsed, 'dataset', optionalString(base.dataset, `${path}.dataset`, NAME));
  parsed = withOptional(parsed, 'project', optionalString(base.project, `${path}.project`, NAME));
  parsed = withOptional(parsed, 'stateId', optionalString(base.stateId, `${path}.stateId`, NAME));
  return parsed;
}

function parseCells(json: unknown, path: string): Cell[] {
  return expectArray(json, path, MAX_ITEMS).map((item, i) => {
    const cell = expectRecord(item, `${path}[${i}]`);
    const sql = cell.sql;
    if (typeof sql !== 'string' || sql.length > SQL) throw new PayloadError(`${path}[${i}].sql`, 'expected SQL text');
    return { id: expectString(cell.id, `${path}[${i}].id`, 64), sql };
  });
}

export function parseWorksheet(json: unknown): Worksheet {
  const w = expectRecord(json, 'worksheet');
  const worksheet: Worksheet = {
    id: expectString(w.id, 'worksheet.id', NAME),
    title: typeof w.title === 'string' ? w.title : '',
    base: parseBase(w.base, 'worksheet.base'),
    cells: parseCells(w.cells, 'worksheet.cells'),
    version: expectInteger(w.version, 'worksheet.version', 0, Number.MAX_SAFE_INTEGER),
  };
  return withOptional(worksheet, 'updatedAt', optionalString(w.updatedAt, 'worksheet.updatedAt', NAME));
}

export function parseWorksheetSummaries(json: unknown): WorksheetSummary[] {
  return expectArray(json, 'worksheets', MAX_ITEMS).map((item, i) => {
    const w = expectRecord(item, `worksheets[${i}]`);
    const summary: WorksheetSummary = {
      id: expectString(w.id, `worksheets[${i}].id`, NAME),
      title: typeof w.title === 'string' ? w.title : '',
      base: parseBase(w.base, `worksheets[${i}].base`),
    };
    return withOptional(summary, 'updatedAt', optionalString(w.updatedAt, `worksheets[${i}].updatedAt`, NAME));
  });
}

export function parseCellStates(json: unknown): CellState[] {
  return expectArray(json, 'states', MAX_ITEMS).map((item, i) => {
    const s = expectRecord(item, `states[${i}]`);
    let state: CellState = {
      cellId: expectString(s.cellId, `states[${i}].cellId`, 64),
      stateId: expectString(s.stateId, `states[${i}].stateId`, NAME),
      cached: s.cached === true,
    };
    state = withOptional(state, 'cachedAt', optionalString(s.cachedAt, `states[${i}].cachedAt`, NAME));
    if (typeof s.sizeBytes === 'number') state = { ...state, sizeBytes: s.sizeBytes };
    return state;
  });
}

export function parseShare(json: unknown): Share {
  const s = expectRecord(json, 'share');
  return {
    token: expectString(s.token, 'share.token', NAME),
    title: typeof s.title === 'string' ? s.title : '',
    base: parseBase(s.base, 'share.base'),
    cells: parseCells(s.cells, 'share.cells'),
  };
}

export function parseSchema(json: unknown): DatabaseSchema {
  const root = expectRecord(json, 'schema');
  const schemas = expectArray(root.schemas ?? [], 'schema.schemas', MAX_ITEMS).map((item, i) => {
    const path = `schema.schemas[${i}]`;
    const s = expectRecord(item, path);
    const tables = expectArray(s.tables ?? [], `${path}.tables`, MAX_ITEMS).map((t, j) => parseTable(t, `${path}.tables[${j}]`));
    const functions = expectArray(s.functions ?? [], `${path}.functions`, MAX_ITEMS).map((f, j) => {
      const fn = expectRecord(f, `${path}.functions[${j}]`);
      return {
        name: expectString(fn.name, `${path}.functions[${j}].name`, NAME),
        arguments: typeof fn.arguments === 'string' ? fn.arguments : '',
        result: typeof fn.result === 'string' ? fn.result : '',
      };
    });
    return { name: expectString(s.name, `${path}.name`, NAME), tables, functions };
  });
  return { database: typeof root.database === 'string' ? root.database : '', schemas };
}

function parseTable(json: unknown, path: string): Table {
  const t = expectRecord(json, path);
  const columns = expectArray(t.columns ?? [], `${path}.columns`, MAX_ITEMS).map((c, i) => {
    const col = expectRecord(c, `${path}.columns[${i}]`);
    let column: Column = {
      name: expectString(col.name, `${path}.columns[${i}].name`, NAME),
      type: expectString(col.type, `${path}.columns[${i}].type`, NAME),
    };
    if (typeof col.nullable === 'boolean') column = { ...column, nullable: col.nullable };
    return withOptional(column, 'defaultValue', optionalString(col.defaultValue, `${path}.columns[${i}].defaultValue`, 10_000));
  });
  const foreignKeys = expectArray(t.foreignKeys ?? [], `${path}.foreignKeys`, MAX_ITEMS).map((f, i) => {
    const fk = expectRecord(f, `${path}.foreignKeys[${i}]`);
    const at = `${path}.foreignKeys[${i}]`;
    return {
      name: expectString(fk.name, `${at}.name`, NAME),
      columns: strings(fk.columns, `${at}.columns`),
      referencedSchema: expectString(fk.referencedSchema, `${at}.referencedSchema`, NAME),
      referencedTable: expectString(fk.referencedTable, `${at}.referencedTable`, NAME),
      referencedColumns: strings(fk.referencedColumns, `${at}.referencedColumns`),
    };
  });
  return {
    name: expectString(t.name, `${path}.name`, NAME),
    kind: typeof t.kind === 'string' ? t.kind : 'table',
    columns,
    primaryKey: strings(t.primaryKey, `${path}.primaryKey`),
    foreignKeys,
  };
}

const ignore = (): undefined => undefined;
const encode = encodeURIComponent;

/** The Taidon resources the workspace uses, called as the session's account. */
export class TaidonApi {
  constructor(readonly session: ApiSession) {}

  datasets(): Promise<ApiResult<Dataset[]>> {
    return this.session.call('/api/v1/datasets', {}, parseDatasets);
  }

  worksheets(): Promise<ApiResult<WorksheetSummary[]>> {
    return this.session.call('/api/v1/worksheets', {}, parseWorksheetSummaries);
  }

  createWorksheet(title: string, base: WorksheetBase): Promise<ApiResult<Worksheet>> {
    return this.session.call('/api/v1/worksheets', { method: 'POST', body: { title, base } }, parseWorksheet);
  }

  worksheet(id: string): Promise<ApiResult<Worksheet>> {
    return this.session.call(`/api/v1/worksheets/${encode(id)}`, {}, parseWorksheet);
  }

  /** Saves the cells; with version, only if nobody saved since (409 otherwise). */
  saveWorksheet(id: string, title: string, cells: readonly Cell[], version?: number): Promise<ApiResult<Worksheet>> {
    const body = version === undefined ? { title, cells } : { title, cells, version };
    return this.session.call(`/api/v1/worksheets/${encode(id)}`, { method: 'PUT', body }, parseWorksheet);
  }

  deleteWorksheet(id: string): Promise<ApiResult<undefined>> {
    return this.session.call(`/api/v1/worksheets/${encode(id)}`, { method: 'DELETE' }, ignore);
  }

  cancelRun(runId: string): Promise<ApiResult<undefined>> {
    return this.session.call(`/api/v1/runs/${encode(runId)}/cancel`, { method: 'POST' }, ignore);
  }

  reset(id: string): Promise<ApiResult<undefined>> {
    return this.session.call(`/api/v1/worksheets/${encode(id)}/reset`, { method: 'POST' }, ignore);
  }

  states(id: string): Promise<ApiResult<CellState[]>> {
    return this.session.call(`/api/v1/worksheets/${encode(id)}/states`, {}, parseCellStates);
  }

  schema(id: string, throughCellId?: string): Promise<ApiResult<DatabaseSchema>> {
    const query = throughCellId === undefined ? '' : `?through=${encode(throughCellId)}`;
    // Reading the schema of an uncached state replays cells, which may take a while.
    return this.session.call(`/api/v1/worksheets/${encode(id)}/schema${query}`, {}, parseSchema, 120_000);
  }

  share(id: string): Promise<ApiResult<Share>> {
    return this.session.call(`/api/v1/worksheets/${encode(id)}/shares`, { method: 'POST' }, parseShare);
  }

  sharedWorksheet(token: string): Promise<ApiResult<Share>> {
    return this.session.call(`/api/v1/shares/${encode(token)}`, {}, parseShare);
  }

  copyShare(token: string): Promise<ApiResult<Worksheet>> {
    return this.session.call(`/api/v1/shares/${encode(token)}/copy`, { method: 'POST' }, parseWorksheet);
  }
}

export function describeBase(base: WorksheetBase, datasets: readonly Dataset[] = []): string {
  if (base.dataset !== undefined) return datasets.find((d) => d.id === base.dataset)?.title ?? `dataset ${base.dataset}`;
  if (base.project !== undefined) return `project ${base.project}`;
  if (base.stateId !== undefined) return `state ${base.stateId.slice(0, 12)}`;
  return 'empty database';
}
