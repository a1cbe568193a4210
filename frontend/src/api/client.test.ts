import { describe, expect, it } from 'vitest';
import { getJson } from './client';
import { fetchPlatformStatus, PLATFORM_STATUS_URL } from './platform';
import { PayloadError } from './validate';

function respondWith(body: string, init: ResponseInit = {}): typeof fetch {
  return async () => new Response(body, init);
}

const PLATFORM = JSON.stringify({
  version: '0.1.0-SNAPSHOT',
  targets: ['all'],
  roles: [{ name: 'gateway', dependsOn: [], location: 'local', status: 'UP' }],
});

describe('getJson', () => {
  it('asks for JSON or a problem document and returns the parsed value', async () => {
    let seen: { url: string; accept: string | null } | undefined;
    const fetchImpl: typeof fetch = async (input, init) => {
      seen = { url: String(input), accept: new Headers(init?.headers).get('accept') };
      return new Response(PLATFORM, { headers: { 'content-type': 'application/json' } });
    };

    const result = await fetchPlatformStatus(fetchImpl);

    expect(seen).toEqual({ url: PLATFORM_STATUS_URL, accept: 'application/json, application/problem+json' });
    expect(result.kind).toBe('ok');
    expect(result.kind === 'ok' && result.value.roles[0]?.name).toBe('gateway');
  });

  it('turns an error response with a problem document into a problem', async () => {
    const body = JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'Starting up', code: 'STARTING' });
    const result = await getJson('/x', () => 1, {
      fetchImpl: respondWith(body, { status: 503, headers: { 'content-type': 'application/problem+json; charset=utf-8' } }),
    });
    expect(result).toEqual({
      kind: 'problem',
      problem: { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'Starting up', code: 'STARTING' },
    });
  });

  it('does not read an error body that is not a problem document', async () => {
    const result = await getJson('/x', () => 1, {
      fetchImpl: respondWith('{"title":"from a proxy"}', { status: 502, headers: { 'content-type': 'application/json' } }),
    });
    expect(result).toEqual({
      kind: 'problem',
      problem: { type: 'about:blank', title: 'The server answered with HTTP status 502', status: 502 },
    });
  });

  it('reports a success body that is not JSON, such as an HTML fallback page', async () => {
    const result = await getJson('/x', () => 1, { fetchImpl: respondWith('<!doctype html><p>hi</p>') });
    expect(result).toMatchObject({ kind: 'problem', problem: { title: 'Unexpected response from the server', detail: 'The response is not JSON.' } });
  });

  it('reports a malformed payload with the validation message', async () => {
    const result = await fetchPlatformStatus(respondWith('{"version":"1","targets":[],"roles":[{}]}'));
    expect(result).toMatchObject({
      kind: 'problem',
      problem: { title: 'Unexpected response from the server', detail: 'roles[0].name: expected a string, got undefined' },
    });
  });

  it('refuses an oversized body before parsing it', async () => {
    let parsed = false;
    const result = await getJson('/x', () => (parsed = true), { fetchImpl: respondWith(`"${'x'.repeat(32_000_001)}"`) });
    expect(parsed).toBe(false);
    expect(result).toMatchObject({ kind: 'problem', problem: { detail: 'The response is larger than 32000000 characters.' } });
  });

  it('reports a network failure as unreachable', async () => {
    const result = await getJson('/x', () => 1, {
      fetchImpl: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    expect(result).toEqual({ kind: 'unreachable', reason: 'Failed to fetch' });
  });

  it('gives up after the timeout and reports unreachable', async () => {
    const hanging: typeof fetch = (_, init) =>
      new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const result = await getJson('/x', () => 1, { fetchImpl: hanging, timeoutMs: 20 });
    expect(result.kind).toBe('unreachable');
  });

  it('lets a bug in the parser surface instead of disguising it as a server problem', async () => {
    const buggy = (): never => {
      throw new RangeError('bug');
    };
    await expect(getJson('/x', buggy, { fetchImpl: respondWith('{}') })).rejects.toThrow(RangeError);
    await expect(
      getJson('/x', () => { throw new PayloadError('a', 'b'); }, { fetchImpl: respondWith('{}') }),
    ).resolves.toMatchObject({ kind: 'problem' });
  });
});
