import type { ApiResult } from '../api/client';
import { isSessionExpired } from '../api/session';
import { h } from './dom';

export type Level = 'info' | 'warn' | 'error';

/** One message line above the cells, replaced by the next; errors are announced to screen readers. */
export class Banner {
  readonly element = h('div', { class: 'banner', 'data-testid': 'banner', hidden: '' });

  show(level: Level, message: string, ...actions: HTMLElement[]): void {
    const dismiss = h('button', { type: 'button', class: 'small', 'aria-label': 'Dismiss' }, '✕');
    dismiss.addEventListener('click', () => this.clear());
    this.element.className = `banner banner-${level}`;
    this.element.setAttribute('role', level === 'info' ? 'status' : 'alert');
    this.element.setAttribute('data-level', level);
    this.element.replaceChildren(h('p', {}, message), ...actions, dismiss);
    this.element.hidden = false;
  }

  clear(): void {
    this.element.hidden = true;
    this.element.replaceChildren();
  }
}

export interface FailureActions {
  readonly restart?: () => void;
  readonly retry?: () => void;
}

/** Says what went wrong in words a learner can act on, with the buttons that help. */
export function describeFailure(
  result: Exclude<ApiResult<unknown>, { kind: 'ok' }>,
  actions: FailureActions,
): { level: Level; message: string; actions: HTMLElement[] } {
  const button = (label: string, action: (() => void) | undefined): HTMLElement[] => {
    if (action === undefined) return [];
    const b = h('button', { type: 'button' }, label);
    b.addEventListener('click', action);
    return [b];
  };
  if (result.kind === 'unreachable') {
    return {
      level: 'error',
      message: 'The Taidon server is unreachable. Your text is kept in this browser and saved as soon as the server answers again.',
      actions: button('Retry now', actions.retry),
    };
  }
  const problem = result.problem;
  if (isSessionExpired(problem)) {
    return { level: 'error', message: `${problem.title}. ${problem.detail ?? ''}`, actions: button('Start a new session with this worksheet', actions.restart) };
  }
  if (problem.status === 429) {
    const wait = problem.retryAfterSeconds === undefined ? '' : ` Try again in ${problem.retryAfterSeconds} s.`;
    const reason = (problem.detail ?? problem.title).replace(/\.$/, '');
    return { level: 'warn', message: `Limit reached: ${reason}.${wait}`, actions: button('Retry', actions.retry) };
  }
  const text = problem.detail === undefined ? problem.title : `${problem.title}: ${problem.detail}`;
  return { level: 'error', message: text, actions: (problem.status ?? 500) >= 500 ? button('Retry', actions.retry) : [] };
}
