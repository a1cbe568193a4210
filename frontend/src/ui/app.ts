import { fetchPlatformStatus } from '../api/platform';
import type { ApiResult } from '../api/client';
import { TaidonApi, type Dataset } from '../api/worksheets';
import type { Draft, Drafts } from '../model/drafts';
import { isSessionExpired } from '../api/session';
import { describeFailure } from './banner';
import { h } from './dom';
import { renderStartPage } from './startPage';
import { createStatusPage } from './statusPage';
import { Workspace, copyIntoNewSession } from './workspace';

export type Route =
  | { readonly page: 'start' }
  | { readonly page: 'worksheet'; readonly id: string }
  | { readonly page: 'share'; readonly token: string }
  | { readonly page: 'status' };

const ID = /^[A-Za-z0-9_-]{1,200}$/;

/** Reads the route from a location hash: #/w/<id>, #/share/<token>, #/status, else the start page. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').split('?')[0] ?? '';
  const [, first, second] = path.split('/');
  if (first === 'w' && second !== undefined && ID.test(second)) return { page: 'worksheet', id: second };
  if (first === 'share' && second !== undefined && ID.test(second)) return { page: 'share', token: second };
  if (first === 'status') return { page: 'status' };
  return { page: 'start' };
}

/** The single-page app: routes by the location hash so that the server serves one page. */
export class App {
  private workspace: Workspace | undefined;
  private datasets: Promise<ApiResult<Dataset[]>> | undefined;

  constructor(
    private readonly container: HTMLElement,
    private readonly api: TaidonApi,
    private readonly drafts: Drafts,
  ) {
    window.addEventListener('hashchange', () => void this.show());
  }

  async show(): Promise<void> {
    this.workspace?.dispose();
    this.workspace = undefined;
    const route = parseRoute(location.hash);
    this.container.setAttribute('aria-busy', 'true');
    this.container.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
    try {
      await this.render(route);
    } finally {
      this.container.setAttribute('aria-busy', 'false');
    }
  }

  private loadDatasets(): Promise<ApiResult<Dataset[]>> {
    const loaded = (this.datasets ??= this.api.datasets());
    void loaded.then((result) => {
      // Ask again next time if it failed.
      if (result.kind !== 'ok') this.datasets = undefined;
    });
    return loaded;
  }

  private async render(route: Route): Promise<void> {
    switch (route.page) {
      case 'status':
        await createStatusPage(this.container, () => fetchPlatformStatus()).refresh();
        return;
      case 'start': {
        const page = await renderStartPage(this.api, await this.loadDatasets(), (id) => this.go(`#/w/${id}`));
        const last = this.drafts.last();
        if (last !== undefined) {
          const resume = h('a', { href: `#/w/${last}`, class: 'resume', 'data-testid': 'resume' }, 'Continue where you left off');
          page.prepend(h('p', {}, resume));
        }
        this.container.replaceChildren(page);
        return;
      }
      case 'share': {
        const copy = await this.api.copyShare(route.token);
        if (copy.kind !== 'ok') {
          this.fail(copy, 'This share link cannot be opened');
          return;
        }
        // Replace, so Back does not copy the worksheet again.
        location.replace(`#/w/${copy.value.id}`);
        return;
      }
      case 'worksheet': {
        const [worksheet, datasets] = await Promise.all([this.api.worksheet(route.id), this.loadDatasets()]);
        if (worksheet.kind !== 'ok') {
          const copy = this.drafts.load(route.id);
          const rescue =
            worksheet.kind === 'problem' && isSessionExpired(worksheet.problem) && copy !== undefined
              ? { label: 'Start a new session with the copy kept in this browser', action: () => void this.rescue(copy) }
              : undefined;
          this.fail(worksheet, 'This worksheet cannot be opened', rescue);
          return;
        }
        this.drafts.rememberLast(route.id);
        this.workspace = new Workspace(this.api, worksheet.value, datasets.kind === 'ok' ? datasets.value : [], this.drafts, (hash) => this.go(hash));
        this.container.replaceChildren(this.workspace.element);
        this.workspace.focusFirstCell();
        return;
      }
    }
  }

  private go(hash: string): void {
    if (location.hash === hash) void this.show();
    else location.hash = hash;
  }

  private async rescue(copy: Draft): Promise<void> {
    const created = await copyIntoNewSession(this.api, copy);
    if (created.kind === 'ok') this.go(`#/w/${created.value.id}`);
    else this.fail(created, 'The copy could not be saved in a new session');
  }

  private fail(result: Exclude<ApiResult<unknown>, { kind: 'ok' }>, title: string, rescue?: { label: string; action: () => void }): void {
    const { message } = describeFailure(result, {});
    const home = h('a', { href: '#/' }, 'Back to the start page');
    const retry = h('button', { type: 'button' }, 'Retry');
    retry.addEventListener('click', () => void this.show());
    const actions: (HTMLElement | string)[] = [retry, ' ', home];
    if (rescue !== undefined) {
      const button = h('button', { type: 'button', class: 'primary', 'data-testid': 'rescue' }, rescue.label);
      button.addEventListener('click', rescue.action);
      actions.unshift(button, ' ');
    }
    this.container.replaceChildren(
      h('div', { class: 'alert', role: 'alert', 'data-testid': 'problem' }, h('p', { class: 'alert-title' }, title), h('p', {}, message), h('p', {}, ...actions)),
    );
  }
}
