import type { ResultColumn } from './run';

type Row = readonly (string | null)[];

/** RFC 4180 CSV: fields with a comma, quote or line break are quoted; NULL is an empty field. */
export function toCsv(columns: readonly ResultColumn[], rows: readonly Row[]): string {
  const field = (value: string | null): string =>
    value === null ? '' : /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
  return [columns.map((c) => field(c.name)), ...rows.map((r) => r.map(field))].map((r) => r.join(',')).join('\r\n') + '\r\n';
}

/**
 * Tab-separated values as spreadsheets paste them; tabs and line breaks inside a value become
 * spaces, since TSV has no quoting. NULL is an empty field.
 */
export function toTsv(columns: readonly ResultColumn[], rows: readonly Row[]): string {
  const field = (value: string | null): string => (value === null ? '' : value.replace(/[\t\r\n]+/g, ' '));
  return [columns.map((c) => field(c.name)), ...rows.map((r) => r.map(field))].map((r) => r.join('\t')).join('\n') + '\n';
}

/** A GitHub-flavoured Markdown table; NULL is written as an italic NULL, pipes are escaped. */
export function toMarkdown(columns: readonly ResultColumn[], rows: readonly Row[]): string {
  const field = (value: string | null): string =>
    value === null ? '*NULL*' : value.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replace(/\r?\n/g, '<br>');
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [
    line(columns.map((c) => field(c.name))),
    line(columns.map(() => '---')),
    ...rows.map((r) => line(r.map(field))),
  ].join('\n') + '\n';
}
