import { isRecord } from './validate';

/** An RFC 9457 problem document as the Taidon server sends it, plus its "code" extension. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status?: number;
  readonly detail?: string;
  readonly code?: string;
  /** From a Retry-After header: when asking again may succeed. */
  readonly retryAfterSeconds?: number;
}

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

const MAX_TITLE_LENGTH = 200;
const MAX_DETAIL_LENGTH = 2000;

/**
 * Reads a problem document leniently: RFC 9457 tells clients to ignore members of the wrong type,
 * and an error must always be shown, so anything unusable falls back to a title built from the
 * HTTP status. Over-long strings are cut rather than rejected.
 */
export function parseProblem(json: unknown, httpStatus: number): Problem {
  const body = isRecord(json) ? json : {};
  const status = validStatus(body.status) ?? validStatus(httpStatus);
  const problem: { -readonly [K in keyof Problem]: Problem[K] } = {
    type: text(body.type, MAX_DETAIL_LENGTH) ?? 'about:blank',
    title: text(body.title, MAX_TITLE_LENGTH) ?? fallbackTitle(httpStatus),
  };
  if (status !== undefined) problem.status = status;
  const detail = text(body.detail, MAX_DETAIL_LENGTH);
  if (detail !== undefined) problem.detail = detail;
  const code = text(body.code, MAX_TITLE_LENGTH);
  if (code !== undefined) problem.code = code;
  return problem;
}

export function fallbackTitle(httpStatus: number): string {
  return `The server answered with HTTP status ${httpStatus}`;
}

function text(value: unknown, maxLength: number): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return value.length > maxLength ? `${value.slice(0, maxLength)}…` : value;
}

function validStatus(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599 ? value : undefined;
}
