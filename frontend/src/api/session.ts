import { requestJson, type ApiResult, type JsonRequest } from './client';
import type { Problem } from './problem';
import { expectInteger, expectRecord, expectString } from './validate';

/** A signed-in account's tokens, as the SPA keeps them between visits. */
export interface Session {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly user: { readonly id: string; readonly kind: string };
}

/** Where the session lives; localStorage in the browser, a map in tests. */
export interface SessionStore {
  load(): Session | undefined;
  save(session: Session): void;
  clear(): void;
}

const STORAGE_KEY = 'taidon.session';
const MAX_TOKEN_CHARS = 8192;

export function parseTokenGrant(json: unknown): Session {
  const grant = expectRecord(json, 'grant');
  const user = expectRecord(grant.user, 'grant.user');
  expectInteger(grant.expiresIn, 'grant.expiresIn', 0, 10_000_000);
  return {
    accessToken: expectString(grant.accessToken, 'grant.accessToken', MAX_TOKEN_CHARS),
    refreshToken: expectString(grant.refreshToken, 'grant.refreshToken', MAX_TOKEN_CHARS),
    user: { id: expectString(user.id, 'grant.user.id', 200), kind: expectString(user.kind, 'grant.user.kind', 40) },
  };
}

export function browserSessionStore(storage: Storage = window.localStorage): SessionStore {
  return {
    load() {
      try {
        const raw = storage.getItem(STORAGE_KEY);
        return raw === null ? undefined : parseTokenGrant({ ...JSON.parse(raw), expiresIn: 0 });
      } catch {
        // A damaged entry is as good as none: a new anonymous session starts.
        return undefined;
      }
    },
    save(session) {
      storage.setItem(STORAGE_KEY, JSON.stringify(session));
    },
    clear() {
      storage.removeItem(STORAGE_KEY);
    },
  };
}

/** The answer when the session cannot be renewed: the learner must start again or sign in. */
export const SESSION_EXPIRED: Problem = {
  type: 'about:blank',
  title: 'Your session has expired',
  status: 401,
  detail: 'Sign in again or start a new session. What you typed is kept in this browser.',
  code: 'session-expired',
};

export function isSessionExpired(problem: Problem): boolean {
  return problem.code === SESSION_EXPIRED.code;
}

/**
 * Calls the Taidon API as the stored account: creates an anonymous account on first use, and
 * renews the access token once when the server says it is no longer valid.
 */
export class ApiSession {
  private session: Session | undefined;
  private renewal: Promise<boolean> | undefined;

  constructor(
    private readonly store: SessionStore,
    private readonly fetchImpl: typeof fetch = (input, init) => fetch(input, init),
  ) {
    this.session = store.load();
  }

  get user(): Session['user'] | undefined {
    return this.session?.user;
  }

  /** Makes sure there is an account, creating an anonymous one if there is none. */
  async start(): Promise<ApiResult<Session>> {
    if (this.session !== undefined) return { kind: 'ok', value: this.session };
    const created = await requestJson('/api/v1/auth/anonymous', { method: 'POST' }, parseTokenGrant, {
      fetchImpl: this.fetchImpl,
    });
    if (created.kind === 'ok') this.adopt(created.value);
    return created;
  }

  /** Forgets the stored account; the next call starts a new anonymous one. */
  reset(): void {
    this.session = undefined;
    this.store.clear();
  }

  async call<T>(url: string, request: JsonRequest, parse: (json: unknown) => T, timeoutMs?: number): Promise<ApiResult<T>> {
    return this.withToken((token) =>
      requestJson(url, { ...request, headers: { ...request.headers, Authorization: `Bearer ${token}` } }, parse, {
        fetchImpl: this.fetchImpl,
        timeoutMs,
      }),
    );
  }

  /** Calls send with a valid access token; renews it once on a 401. */
  async withToken<T>(send: (accessToken: string) => Promise<ApiResult<T>>): Promise<ApiResult<T>> {
    const started = await this.start();
    if (started.kind !== 'ok') return started;
    const first = await send(started.value.accessToken);
    if (first.kind !== 'problem' || first.problem.status !== 401) return first;
    if (!(await this.renew(started.value))) return { kind: 'problem', problem: SESSION_EXPIRED };
    return send(this.session!.accessToken);
  }

  private renew(stale: Session): Promise<boolean> {
    // Several calls may fail at once; the refresh token is spent by one renewal, so they share it.
    this.renewal ??= (async () => {
      try {
        if (this.session !== undefined && this.session.accessToken !== stale.accessToken) return true;
        const renewed = await requestJson(
          '/api/v1/auth/refresh',
          { method: 'POST', body: { refreshToken: stale.refreshToken } },
          parseTokenGrant,
          { fetchImpl: this.fetchImpl },
        );
        if (renewed.kind === 'ok') {
          this.adopt(renewed.value);
          return true;
        }
        return false;
      } finally {
        this.renewal = undefined;
      }
    })();
    return this.renewal;
  }

  private adopt(session: Session): void {
    this.session = session;
    this.store.save(session);
  }
}
