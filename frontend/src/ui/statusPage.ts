import type { ApiResult } from '../api/client';
import type { PlatformStatus } from '../api/platform';
import { renderProblem, renderUnreachable } from './alerts';
import { h } from './dom';
import { renderPlatformStatus } from './platformView';

export interface StatusPage {
  /** Loads and renders the status; moveFocus puts keyboard focus on the new content. */
  refresh(moveFocus?: boolean): Promise<void>;
}

export function createStatusPage(
  container: HTMLElement,
  load: () => Promise<ApiResult<PlatformStatus>>,
): StatusPage {
  const retry = (): void => void page.refresh(true);

  const page: StatusPage = {
    async refresh(moveFocus = false) {
      container.setAttribute('aria-busy', 'true');
      container.replaceChildren(h('p', { class: 'loading' }, 'Loading platform status…'));
      const result = await load();
      const content = render(result, retry);
      container.replaceChildren(content);
      container.setAttribute('aria-busy', 'false');
      // After Retry the clicked button is gone; without this, focus falls back to <body>.
      if (moveFocus) content.querySelector<HTMLElement>('h2, button')?.focus();
    },
  };
  return page;
}

function render(result: ApiResult<PlatformStatus>, retry: () => void): HTMLElement {
  switch (result.kind) {
    case 'ok':
      return renderPlatformStatus(result.value);
    case 'problem':
      return renderProblem(result.problem, retry);
    case 'unreachable':
      return renderUnreachable(retry);
  }
}
