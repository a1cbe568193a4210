/** Raised when a server payload does not have the shape the SPA relies on. */
export class PayloadError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'PayloadError';
  }
}

// Names the JSON type of a bad value without echoing it: the value may be huge or hostile.
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'object':
      return 'an object';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return typeof value;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function expectRecord(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) throw new PayloadError(path, `expected an object, got ${describe(value)}`);
  return value;
}

/** A non-empty string of at most maxLength characters. */
export function expectString(value: unknown, path: string, maxLength: number): string {
  if (typeof value !== 'string') throw new PayloadError(path, `expected a string, got ${describe(value)}`);
  if (value.length === 0) throw new PayloadError(path, 'must not be empty');
  if (value.length > maxLength) throw new PayloadError(path, `is longer than ${maxLength} characters`);
  return value;
}

export function expectInteger(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new PayloadError(path, `expected an integer, got ${describe(value)}`);
  }
  if (value < min || value > max) throw new PayloadError(path, `must be between ${min} and ${max}`);
  return value;
}

export function expectArray(value: unknown, path: string, maxItems: number): unknown[] {
  if (!Array.isArray(value)) throw new PayloadError(path, `expected an array, got ${describe(value)}`);
  if (value.length > maxItems) throw new PayloadError(path, `has more than ${maxItems} items`);
  return value;
}

export function expectStringArray(value: unknown, path: string, maxItems: number, maxLength: number): string[] {
  return expectArray(value, path, maxItems).map((item, i) => expectString(item, `${path}[${i}]`, maxLength));
}
