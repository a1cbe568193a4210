import { describe, expect, it } from 'vitest';
import { NdjsonDecoder, streamRun } from './runStream';
import { ApiSession, type Session, type SessionStore } from './session';

const encoder = new TextEncoder();

function memoryStore(session?: Session): SessionStore {
  let stored = session;
  return { load: () => stored, save: (s) => (stored = s), clear: () => (stored = undefined) };
}

const SESSION: Session = { accessToken: 'a1', refreshToken: 'r1', user: { id: 'u', kind: 'anonymous' } };

describe('NdjsonDecoder', () => {
  it('joins lines split across chunks, even inside a multi-byte character', () => {
    const seen: unknown[] = [];
    const decoder = new NdjsonDecoder((v) => seen.push(v));
    const bytes = encoder.encode('{"a":"é"}\n{"b":2}\n\n{"c"');
    decoder.push(bytes.slice(0, 8));
    decoder.push(bytes.slice(8));
    decoder.push(encoder.encode(':3}'));
    decoder.end();
    expect(seen).toEqual([{ a: 'é' }, { b: 2 }, { c: 3 }]);
  });

  it('hands on a line that is not JSON as undefined rather than failing', () => {
    const seen: unknown[] = [];
    const decoder = new NdjsonDecoder((v) => seen.push(v));
    decoder.push(encoder.encode('not json\n{"ok":true}\n'));
    decoder.end();
    expect(seen).toEqual([undefined, { ok: true }]);
  });
});

describe('streamRun', () => {
  it('asks for NDJSON with the token and delivers every event', async () => {
    let headers: Headers | undefined;
    const fetchImpl: typeof fetch = async (_url, init) => {
      headers = new Headers(init?.headers);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode('{"event":"run","runId":"r"}\n{"event":"en'));
          controller.enqueue(encoder.encode('d","outcome":"succeeded"}\n'));
          controller.close();
        },
      });
      return new Response(body, { headers: { 'content-type': 'application/x-ndjson' } });
    };
    const seen: unknown[] = [];
    const result = await streamRun(new ApiSession(memoryStore(SESSION), fetchImpl), '/run', { through: 'c' }, (e) => seen.push(e), fetchImpl);
    expect(result.kind).toBe('ok');
    expect(headers?.get('authorization')).toBe('Bearer a1');
    expect(headers?.get('accept')).toContain('application/x-ndjson');
    expect(seen).toEqual([{ event: 'run', runId: 'r' }, { event: 'end', outcome: 'succeeded' }]);
  });

  it('reports a refused run as the server\'s problem', async () => {
    const fetchImpl: typeof fetch = async () =>
      new Response(JSON.stringify({ title: 'Conflict', status: 409, detail: 'A run of this worksheet is in progress' }), {
        status: 409,
        headers: { 'content-type': 'application/problem+json' },
      });
    const result = await streamRun(new ApiSession(memoryStore(SESSION), fetchImpl), '/run', {}, () => undefined, fetchImpl);
    expect(result).toMatchObject({ kind: 'problem', problem: { status: 409, detail: 'A run of this worksheet is in progress' } });
  });

  it('reports a stream that breaks in the middle as unreachable, after the events that came', async () => {
    const fetchImpl: typeof fetch = async () => {
      let pulls = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          // error() drops queued chunks, so the break comes on the read after the first chunk.
          if (pulls++ === 0) controller.enqueue(encoder.encode('{"event":"run"}\n'));
          else controller.error(new Error('connection reset'));
        },
      });
      return new Response(body);
    };
    const seen: unknown[] = [];
    const result = await streamRun(new ApiSession(memoryStore(SESSION), fetchImpl), '/run', {}, (e) => seen.push(e), fetchImpl);
    expect(seen).toEqual([{ event: 'run' }]);
    expect(result).toMatchObject({ kind: 'unreachable' });
  });
});
