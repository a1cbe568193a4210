import type { EngineInfo, PlatformStatus, RoleStatus } from '../api/platform';
import { h } from './dom';

export const FINGERPRINT_DISPLAY_LENGTH = 12;

export function renderPlatformStatus(status: PlatformStatus): HTMLElement {
  return h(
    'section',
    { class: 'platform-status', 'aria-labelledby': 'platform-status-heading' },
    h('h2', { id: 'platform-status-heading', tabindex: '-1' }, 'Platform status'),
    h(
      'p',
      { class: 'meta', 'data-testid': 'version' },
      `Version ${status.version} · running ${status.targets.join(', ') || 'no targets'}`,
    ),
    renderRolesTable(status.roles),
    renderEngine(status.engine),
  );
}

export function renderRolesTable(roles: readonly RoleStatus[]): HTMLTableElement {
  return h(
    'table',
    { class: 'roles', 'data-testid': 'roles' },
    h('caption', {}, 'Roles'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Role'),
        h('th', { scope: 'col' }, 'Runs'),
        h('th', { scope: 'col' }, 'Status'),
        h('th', { scope: 'col' }, 'Depends on'),
      ),
    ),
    h('tbody', {}, ...roles.map(renderRoleRow)),
  );
}

function renderRoleRow(role: RoleStatus): HTMLTableRowElement {
  return h(
    'tr',
    { 'data-testid': 'role-row', 'data-role': role.name },
    h('th', { scope: 'row' }, role.name),
    h('td', {}, role.location, role.url !== undefined && h('code', { class: 'url' }, role.url)),
    h('td', { 'data-testid': 'role-status' }, statusBadge(role.status)),
    h('td', {}, role.dependsOn.length > 0 ? role.dependsOn.join(', ') : h('span', { class: 'none' }, 'none')),
  );
}

export function statusBadge(status: string): HTMLElement {
  const tone = status === 'UP' ? 'up' : status === 'DOWN' ? 'down' : 'other';
  return h('span', { class: `badge badge-${tone}` }, status);
}

export function renderEngine(engine: EngineInfo | undefined): HTMLElement {
  if (engine === undefined) {
    return h('p', { class: 'engine none', 'data-testid': 'engine' }, 'PostgreSQL engine details are unavailable.');
  }
  return h(
    'p',
    { class: 'engine', 'data-testid': 'engine' },
    `PostgreSQL ${engine.postgresVersion} · state format ${engine.stateFormatVersion} · fingerprint `,
    h(
      'code',
      { title: engine.fingerprint },
      engine.fingerprint.slice(0, FINGERPRINT_DISPLAY_LENGTH),
    ),
  );
}
