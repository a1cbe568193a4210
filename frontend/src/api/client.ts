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
const MAX_BODY_CHARS = 1_000_000;

/** GETs a JSON resource and validates it with parse, which must throw PayloadError on a bad shape. */
export async function getJson<T>(
  url: string,
  parse: (json: unknown) => T,
  { fetchImpl = fetch, timeoutMs = DEFAULT_TIMEOUT_MS }: RequestOptions = {},
): Promise<ApiResult<T>> {
  let response: Response;
  let body: string;
  try {
    response = await fetchImpl(url, {
      headers: { Accept: `application/json, ${PROBLEM_MEDIA_TYPE}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    body = await response.text();
  } catch (error) {
    return { kind: 'unreachable', reason: error instanceof Error ? error.message : String(error) };
  }

  const json = body.length <= MAX_BODY_CHARS ? parseJsonOrUndefined(body) : undefined;
  if (!response.ok) {
    const problemJson = mediaType(response) === PROBLEM_MEDIA_TYPE ? json : undefined;
    return { kind: 'problem', problem: parseProblem(problemJson, response.status) };
  }
  if (body.length > MAX_BODY_CHARS) {
    return unexpectedResponse(response.status, `The response is larger than ${MAX_BODY_CHARS} characters.`);
  }
  if (json === undefined) return unexpectedResponse(response.status, 'The response is not JSON.');
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
