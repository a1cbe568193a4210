import { interpret, type ApiResult } from './client';
import { PROBLEM_MEDIA_TYPE } from './problem';
import type { ApiSession } from './session';

/** Lines longer than this are not events the server sends; the stream is treated as broken. */
const MAX_LINE_CHARS = 64_000_000;

/**
 * Splits a byte stream into NDJSON lines and parses each; a line that is not JSON is handed on as
 * undefined so the caller's model ignores it.
 */
export class NdjsonDecoder {
  private readonly decoder = new TextDecoder();
  private pending = '';

  constructor(private readonly onValue: (value: unknown) => void) {}

  push(chunk: Uint8Array): void {
    this.consume(this.decoder.decode(chunk, { stream: true }));
  }

  end(): void {
    this.consume(this.decoder.decode());
    if (this.pending.trim() !== '') this.emit(this.pending);
    this.pending = '';
  }

  private consume(text: string): void {
    let buffered = this.pending + text;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      this.emit(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
    }
    if (buffered.length > MAX_LINE_CHARS) throw new Error('the run stream sent a line too long to be an event');
    this.pending = buffered;
  }

  private emit(line: string): void {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    this.onValue(value);
  }
}

/**
 * POSTs to a run endpoint asking for NDJSON, and hands each event to onEvent as it arrives.
 * Resolves when the stream ends: ok if it ended normally, a problem if the server refused the
 * run, unreachable if the connection broke.
 */
export function streamRun(
  session: ApiSession,
  url: string,
  body: unknown,
  onEvent: (event: unknown) => void,
  fetchImpl: typeof fetch = (input, init) => fetch(input, init),
): Promise<ApiResult<undefined>> {
  return session.withToken(async (token) => {
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: 'POST',
        headers: {
          Accept: `application/x-ndjson, ${PROBLEM_MEDIA_TYPE}`,
          'Content-Type': 'application/json',
          Authorization: `Bearer ${token}`,
        },
        body: JSON.stringify(body),
      });
    } catch (error) {
      return { kind: 'unreachable', reason: error instanceof Error ? error.message : String(error) };
    }
    if (!response.ok || response.body === null) {
      let text = '';
      try {
        text = await response.text();
      } catch {
        // The status alone still says what happened.
      }
      return interpret(response, text, () => undefined);
    }
    const decoder = new NdjsonDecoder(onEvent);
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        decoder.push(value);
      }
      decoder.end();
    } catch (error) {
      return { kind: 'unreachable', reason: `the connection broke during the run: ${error instanceof Error ? error.message : String(error)}` };
    }
    return { kind: 'ok', value: undefined };
  });
}
