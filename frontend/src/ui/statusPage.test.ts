// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiResult } from '../api/client';
import type { PlatformStatus } from '../api/platform';
import { h } from './dom';
import { createStatusPage } from './statusPage';

const STATUS: PlatformStatus = {
  version: '0.1.0-SNAPSHOT',
  targets: ['all'],
  roles: [{ name: 'gateway', dependsOn: [], location: 'local', status: 'UP' }],
};

function loaderOf(...results: ApiResult<PlatformStatus>[]): () => Promise<ApiResult<PlatformStatus>> {
  const queue = [...results];
  return async () => queue.shift() ?? { kind: 'unreachable', reason: 'no more results' };
}

describe('createStatusPage', () => {
  let app: HTMLElement;

  beforeEach(() => {
    app = h('main', { id: 'app' });
    document.body.replaceChildren(app);
  });

  it('renders the roles once loaded and clears aria-busy', async () => {
    await createStatusPage(app, loaderOf({ kind: 'ok', value: STATUS })).refresh();

    expect(app.querySelector('[data-role="gateway"] [data-testid="role-status"]')?.textContent).toBe('UP');
    expect(app.getAttribute('aria-busy')).toBe('false');
  });

  it('shows a problem document in an alert', async () => {
    const problem = { type: 'about:blank', title: 'Engine unavailable', status: 503, detail: 'Still starting', code: 'ENGINE_STARTING' };
    await createStatusPage(app, loaderOf({ kind: 'problem', problem })).refresh();

    const alert = app.querySelector('[data-testid="problem"]')!;
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.getAttribute('data-kind')).toBe('problem');
    expect(alert.textContent).toContain('Engine unavailable');
    expect(alert.textContent).toContain('Still starting');
    expect(alert.textContent).toContain('ENGINE_STARTING');
  });

  it('says the server is unreachable and recovers through Retry, moving focus to the result', async () => {
    await createStatusPage(app, loaderOf({ kind: 'unreachable', reason: 'Failed to fetch' }, { kind: 'ok', value: STATUS })).refresh();

    const alert = app.querySelector('[data-testid="problem"]')!;
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.getAttribute('data-kind')).toBe('unreachable');
    expect(alert.textContent).toContain('unreachable');

    app.querySelector<HTMLButtonElement>('[data-testid="retry"]')!.click();

    await vi.waitFor(() => expect(app.querySelectorAll('[data-testid="role-row"]')).toHaveLength(1));
    expect(app.querySelector('[data-testid="problem"]')).toBeNull();
    expect(document.activeElement?.textContent).toBe('Platform status');
  });
});
