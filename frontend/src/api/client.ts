import { PROBLEM_MEDIA_TYPE, parseProblem, type Problem } from './problem';
import { PayloadError } from './validate';

/** What a call to the Taidon API came to; views switch on kind. */
export type ApiResult<T> =
  | { readonly kind: 'ok'; readonly value: T }
  /** The server answered, with an error or with something the SPA cannot use. */
  | { readonly kind: 'problem'; readonly problem: Problem }
  /** No answer at all: network down, server stopped, or timed out. */
  | { readonly kind: 'unreachable'; readonly reason: string };

export interface RequestOptions {
  readonly fetchImpl?: typeof fetch | undefined;
  readonly timeoutMs?: number | undefined;
}

const DEFAULT_TIMEOUT_MS = 10_000;
// Big enough for a worksheet at its size limit and a non-streamed run document at the result cap.
const MAX_BODY_CHARS = 32_000_000;

export interface JsonRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Sent as JSON. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** GETs a JSON resource and validates it with parse, which must throw PayloadError on a bad shape. */
export function getJson<T>(url: string, parse: (json: unknown) => T, options: RequestOptions = {}): Promise<ApiResult<T>> {
  return requestJson(url, {}, parse, options);
}

/**
 * Sends a request and validates the JSON answer with parse (an empty answer, such as 204, reaches
 * parse as undefined). Never throws for what the network or the server does.
 */
export async function requestJson<T>(
  url: string,
  { method = 'GET', body, headers = {} }: JsonRequest,
  parse: (json: unknown) => T,
  { fetchImpl = fetch, timeoutMs = DEFAULT_TIMEOUT_MS }: RequestOptions = {},
): Promise<ApiResult<T>> {
  let response: Response;
  let text: string;
  try {
    const init: RequestInit = {
      method,
      headers: {
        Accept: `application/json, ${PROBLEM_MEDIA_TYPE}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      signal: AbortSignal.timeout(timeoutMs),
    };
    if (body !== undefined) init.body = JSON.stringify(body);
    response = await fetchImpl(url, init);
    text = await response.text();
  } catch (error) {
    return { kind: 'unreachable', reason: error instanceof Error ? error.message : String(error) };
  }
  return interpret(response, text, parse);
}

/** Turns a received answer into a result: a problem for an error status, else parse's value. */
export function interpret<T>(response: Response, text: string, parse: (json: unknown) => T): ApiResult<T> {
  const json = text.length <= MAX_BODY_CHARS ? parseJsonOrUndefined(text) : undefined;
  if (!response.ok) {
    const problemJson = mediaType(response) === PROBLEM_MEDIA_TYPE ? json : undefined;
    const problem = parseProblem(problemJson, response.status);
    const retryAfter = Number.parseInt(response.headers.get('retry-after') ?? '', 10);
    return { kind: 'problem', problem: Number.isFinite(retryAfter) ? { ...problem, retryAfterSeconds: retryAfter } : problem };
  }
  if (text.length > MAX_BODY_CHARS) {
    return unexpectedResponse(response.status, `The response is larger than ${MAX_BODY_CHARS} characters.`);
  }
  if (text.length > 0 && json === undefined) return unexpectedResponse(response.status, 'The response is not JSON.');
  try {
    return { kind: 'ok', value: parse(json) };
  } catch (error) {
    if (error instanceof PayloadError) return unexpectedResponse(response.status, error.message);
    throw error;
  }
}

function unexpectedResponse(status: number, detail: string): ApiResult<never> {
  return { kind: 'problem', problem: { type: 'about:blank', title: 'Unexpected response from the server', status, detail } };
}

function mediaType(response: Response): string {
  return (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

function parseJsonOrUndefined(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
