import type { Problem } from '../api/problem';
import { h } from './dom';

/** An error the server reported, as an RFC 9457 problem. */
export function renderProblem(problem: Problem, onRetry: () => void): HTMLElement {
  return h(
    'div',
    { class: 'alert', role: 'alert', 'data-testid': 'problem', 'data-kind': 'problem' },
    h('p', { class: 'alert-title' }, problem.title),
    problem.detail !== undefined && h('p', {}, problem.detail),
    problem.code !== undefined && h('p', { class: 'meta' }, 'Error code: ', h('code', {}, problem.code)),
    retryButton(onRetry),
  );
}

/** No answer at all from the server. */
export function renderUnreachable(onRetry: () => void): HTMLElement {
  return h(
    'div',
    { class: 'alert', role: 'alert', 'data-testid': 'problem', 'data-kind': 'unreachable' },
    h('p', { class: 'alert-title' }, 'The Taidon server is unreachable'),
    h('p', {}, 'Check that it is running and that this machine can reach it, then try again.'),
    retryButton(onRetry),
  );
}

function retryButton(onRetry: () => void): HTMLButtonElement {
  const button = h('button', { type: 'button', 'data-testid': 'retry' }, 'Retry');
  button.addEventListener('click', onRetry);
  return button;
}
