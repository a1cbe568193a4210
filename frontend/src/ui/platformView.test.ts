// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { PlatformStatus, RoleStatus } from '../api/platform';
import { renderEngine, renderPlatformStatus, renderRolesTable } from './platformView';

const ROLES: RoleStatus[] = [
  { name: 'gateway', dependsOn: ['audit-log', 'idp'], location: 'local', status: 'UP' },
  { name: 'sql-runner', dependsOn: [], location: 'remote', url: 'http://127.0.0.1:8081', status: 'DOWN' },
];

function cells(row: Element): string[] {
  return [...row.children].map((cell) => cell.textContent ?? '');
}

describe('renderRolesTable', () => {
  it('renders one row per role with name, location, status and dependencies', () => {
    const table = renderRolesTable(ROLES);
    const rows = table.querySelectorAll('[data-testid="role-row"]');

    expect([...rows].map((row) => row.getAttribute('data-role'))).toEqual(['gateway', 'sql-runner']);
    expect(cells(rows[0]!)).toEqual(['gateway', 'local', 'UP', 'audit-log, idp']);
    expect(cells(rows[1]!)).toEqual(['sql-runner', 'remotehttp://127.0.0.1:8081', 'DOWN', 'none']);
  });

  it('marks status with a badge whose class follows the value', () => {
    const table = renderRolesTable([...ROLES, { name: 'idp', dependsOn: [], location: 'local', status: 'STARTING' }]);
    const badges = [...table.querySelectorAll('[data-testid="role-status"] .badge')];
    expect(badges.map((badge) => [badge.textContent, badge.className])).toEqual([
      ['UP', 'badge badge-up'],
      ['DOWN', 'badge badge-down'],
      ['STARTING', 'badge badge-other'],
    ]);
  });

  it('has column headers and row headers for screen readers', () => {
    const table = renderRolesTable(ROLES);
    expect([...table.querySelectorAll('thead th[scope="col"]')].map((th) => th.textContent)).toEqual([
      'Role',
      'Runs',
      'Status',
      'Depends on',
    ]);
    expect(table.querySelectorAll('tbody th[scope="row"]')).toHaveLength(2);
  });

  it('shows hostile text as text, never as markup', () => {
    const name = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const table = renderRolesTable([
      { name, dependsOn: ['<b>idp</b>'], location: '<i>local</i>', status: '<em>UP</em>' },
    ]);
    document.body.replaceChildren(table);

    const row = table.querySelector('[data-testid="role-row"]')!;
    expect(row.getAttribute('data-role')).toBe(name);
    expect(cells(row)).toEqual([name, '<i>local</i>', '<em>UP</em>', '<b>idp</b>']);
    expect(document.querySelectorAll('script, img, b, i, em')).toHaveLength(0);
    expect(table.innerHTML).toContain('&lt;script&gt;');
  });
});

describe('renderEngine', () => {
  it('shows the PostgreSQL version and the first 12 characters of the fingerprint', () => {
    const fingerprint = '0123456789abcdef'.repeat(4);
    const engine = renderEngine({ postgresVersion: '18.3', stateFormatVersion: 1, fingerprint });

    expect(engine.getAttribute('data-testid')).toBe('engine');
    expect(engine.textContent).toBe('PostgreSQL 18.3 · state format 1 · fingerprint 0123456789ab');
    expect(engine.querySelector('code')?.getAttribute('title')).toBe(fingerprint);
  });

  it('says so when the engine is unknown', () => {
    expect(renderEngine(undefined).textContent).toBe('PostgreSQL engine details are unavailable.');
  });
});

describe('renderPlatformStatus', () => {
  it('puts version, roles and engine under one heading', () => {
    const status: PlatformStatus = { version: '0.1.0-SNAPSHOT', targets: ['all'], roles: ROLES };
    const section = renderPlatformStatus(status);

    expect(section.querySelector('h2')?.textContent).toBe('Platform status');
    expect(section.querySelector('[data-testid="version"]')?.textContent).toBe('Version 0.1.0-SNAPSHOT · running all');
    expect(section.querySelectorAll('[data-testid="role-row"]')).toHaveLength(2);
    expect(section.querySelector('[data-testid="engine"]')?.textContent).toContain('unavailable');
  });
});
