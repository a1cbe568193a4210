import { describe, expect, it } from 'vitest';
import { ApiSession, isSessionExpired, type Session, type SessionStore } from './session';

function memoryStore(session?: Session): SessionStore & { current(): Session | undefined } {
  let stored = session;
  return { load: () => stored, save: (s) => (stored = s), clear: () => (stored = undefined), current: () => stored };
}

const grant = (n: number) =>
  new Response(JSON.stringify({ accessToken: `a${n}`, refreshToken: `r${n}`, expiresIn: 900, user: { id: 'u1', kind: 'anonymous' } }), {
    status: n === 1 ? 201 : 200,
    headers: { 'content-type': 'application/json' },
  });
const unauthorized = () => new Response(JSON.stringify({ title: 'Authentication required', status: 401 }), { status: 401, headers: { 'content-type': 'application/problem+json' } });

describe('ApiSession', () => {
  it('creates an anonymous account on first use and keeps it', async () => {
    const calls: string[] = [];
    const store = memoryStore();
    const fetchImpl: typeof fetch = async (url, init) => {
      calls.push(`${init?.method ?? 'GET'} ${String(url)} ${new Headers(init?.headers).get('authorization') ?? ''}`.trim());
      return String(url).endsWith('/anonymous') ? grant(1) : new Response('[]', { headers: { 'content-type': 'application/json' } });
    };
    const session = new ApiSession(store, fetchImpl);
    const result = await session.call('/api/v1/worksheets', {}, (json) => json);
    expect(result).toEqual({ kind: 'ok', value: [] });
    expect(calls).toEqual(['POST /api/v1/auth/anonymous', 'GET /api/v1/worksheets Bearer a1']);
    expect(store.current()?.refreshToken).toBe('r1');
  });

  it('renews an expired access token once, sharing the renewal between concurrent calls', async () => {
    let refreshes = 0;
    const fetchImpl: typeof fetch = async (url, init) => {
      if (String(url).endsWith('/refresh')) {
        refreshes++;
        expect(JSON.parse(String(init?.body))).toEqual({ refreshToken: 'r1' });
        return grant(2);
      }
      return new Headers(init?.headers).get('authorization') === 'Bearer a2' ? new Response('{}', { headers: { 'content-type': 'application/json' } }) : unauthorized();
    };
    const session = new ApiSession(memoryStore({ accessToken: 'a1', refreshToken: 'r1', user: { id: 'u1', kind: 'anonymous' } }), fetchImpl);
    const results = await Promise.all([session.call('/x', {}, (j) => j), session.call('/y', {}, (j) => j)]);
    expect(results.map((r) => r.kind)).toEqual(['ok', 'ok']);
    expect(refreshes).toBe(1);
  });

  it('says the session expired when the refresh token is refused too', async () => {
    const fetchImpl: typeof fetch = async () => unauthorized();
    const session = new ApiSession(memoryStore({ accessToken: 'a1', refreshToken: 'r1', user: { id: 'u1', kind: 'anonymous' } }), fetchImpl);
    const result = await session.call('/x', {}, (j) => j);
    expect(result.kind === 'problem' && isSessionExpired(result.problem)).toBe(true);
  });

  it('ignores a damaged stored session and a token grant of the wrong shape', async () => {
    const fetchImpl: typeof fetch = async () => new Response(JSON.stringify({ accessToken: 5 }), { status: 201, headers: { 'content-type': 'application/json' } });
    const result = await new ApiSession(memoryStore(), fetchImpl).start();
    expect(result).toMatchObject({ kind: 'problem', problem: { title: 'Unexpected response from the server' } });
  });
});
