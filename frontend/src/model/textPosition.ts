/** A 1-based line and column, as the runner reports positions in a cell. */
export interface LineColumn {
  readonly line: number;
  readonly column: number;
}

/**
 * The character offset of a 1-based line:column in text, clamped into the text, so a position
 * from a server that counted differently still lands somewhere sensible.
 */
export function offsetOf(text: string, { line, column }: LineColumn): number {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const newline = text.indexOf('\n', offset);
    if (newline < 0) return text.length;
    offset = newline + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  const end = lineEnd < 0 ? text.length : lineEnd;
  return Math.min(offset + Math.max(column, 1) - 1, end);
}

/**
 * The range to underline for an error at offset: the word, quoted identifier or string there, or
 * one character when there is none.
 */
export function tokenRangeAt(text: string, offset: number): { from: number; to: number } {
  const from = Math.min(Math.max(offset, 0), text.length);
  const rest = text.slice(from);
  const token = /^("(?:[^"]|"")*"|'(?:[^']|'')*'|[\p{L}\p{N}_$.]+|\S)/u.exec(rest);
  if (token === null) {
    // At the end of a line or of the text: underline the character before.
    return from > 0 ? { from: from - 1, to: from } : { from, to: Math.min(from + 1, text.length) };
  }
  return { from, to: from + token[0].length };
}
