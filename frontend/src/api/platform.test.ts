import { describe, expect, it } from 'vitest';
import { parsePlatformStatus } from './platform';
import { PayloadError } from './validate';

const FINGERPRINT = 'ab'.repeat(32);

function sample(): Record<string, unknown> {
  return {
    version: '0.1.0-SNAPSHOT',
    targets: ['all'],
    roles: [
      { name: 'gateway', dependsOn: ['audit-log', 'idp'], location: 'local', status: 'UP' },
      { name: 'sql-runner', dependsOn: [], location: 'remote', url: 'http://127.0.0.1:8081', status: 'DOWN' },
    ],
    engine: { postgresVersion: '18.3', stateFormatVersion: 1, fingerprint: FINGERPRINT },
  };
}

function withRole(changes: Record<string, unknown>): Record<string, unknown> {
  return { ...sample(), roles: [{ name: 'gateway', dependsOn: [], location: 'local', status: 'UP', ...changes }] };
}

function errorOf(json: unknown): PayloadError {
  try {
    parsePlatformStatus(json);
  } catch (error) {
    if (error instanceof PayloadError) return error;
    throw error;
  }
  throw new Error('expected parsePlatformStatus to reject the payload');
}

describe('parsePlatformStatus', () => {
  it('reads the documented payload', () => {
    expect(parsePlatformStatus(sample())).toEqual({
      version: '0.1.0-SNAPSHOT',
      targets: ['all'],
      roles: [
        { name: 'gateway', dependsOn: ['audit-log', 'idp'], location: 'local', status: 'UP' },
        { name: 'sql-runner', dependsOn: [], location: 'remote', url: 'http://127.0.0.1:8081', status: 'DOWN' },
      ],
      engine: { postgresVersion: '18.3', stateFormatVersion: 1, fingerprint: FINGERPRINT },
    });
  });

  it('accepts a missing or null engine', () => {
    const { engine: _, ...withoutEngine } = sample();
    expect(parsePlatformStatus(withoutEngine).engine).toBeUndefined();
    expect('engine' in parsePlatformStatus({ ...sample(), engine: null })).toBe(false);
  });

  it('ignores unknown fields so the server can add some', () => {
    const status = parsePlatformStatus({ ...sample(), uptime: 12, extra: { nested: true } });
    expect(Object.keys(status)).toEqual(['version', 'targets', 'roles', 'engine']);
  });

  it.each([
    ['null', null, 'platform: expected an object, got null'],
    ['an array', [], 'platform: expected an object, got an array'],
    ['a string', '{}', 'platform: expected an object, got a string'],
    ['missing version', { ...sample(), version: undefined }, 'version: expected a string, got undefined'],
    ['numeric version', { ...sample(), version: 1 }, 'version: expected a string, got a number'],
    ['targets not an array', { ...sample(), targets: 'all' }, 'targets: expected an array, got a string'],
    ['a non-string target', { ...sample(), targets: ['all', 7] }, 'targets[1]: expected a string, got a number'],
    ['roles an object', { ...sample(), roles: {} }, 'roles: expected an array, got an object'],
    ['a role that is a string', { ...sample(), roles: ['gateway'] }, 'roles[0]: expected an object, got a string'],
    ['an empty role name', withRole({ name: '' }), 'roles[0].name: must not be empty'],
    ['a missing status', withRole({ status: undefined }), 'roles[0].status: expected a string, got undefined'],
    ['a boolean status', withRole({ status: true }), 'roles[0].status: expected a string, got a boolean'],
    ['dependsOn null', withRole({ dependsOn: null }), 'roles[0].dependsOn: expected an array, got null'],
    ['a nested dependsOn', withRole({ dependsOn: [['idp']] }), 'roles[0].dependsOn[0]: expected a string, got an array'],
    ['a relative url', withRole({ url: '/sql-runner' }), 'roles[0].url: is not an absolute URL'],
    ['a javascript: url', withRole({ url: 'javascript:alert(1)' }), 'roles[0].url: must be an http or https URL'],
    ['a short fingerprint', { ...sample(), engine: { ...(sample().engine as object), fingerprint: 'abc' } }, 'engine.fingerprint: expected 64 hexadecimal characters'],
    ['a non-hex fingerprint', { ...sample(), engine: { ...(sample().engine as object), fingerprint: 'z'.repeat(64) } }, 'engine.fingerprint: expected 64 hexadecimal characters'],
    ['a fractional state format', { ...sample(), engine: { ...(sample().engine as object), stateFormatVersion: 1.5 } }, 'engine.stateFormatVersion: expected an integer, got a number'],
    ['a string state format', { ...sample(), engine: { ...(sample().engine as object), stateFormatVersion: '1' } }, 'engine.stateFormatVersion: expected an integer, got a string'],
    ['engine an array', { ...sample(), engine: [] }, 'engine: expected an object, got an array'],
  ])('rejects %s', (_, json, message) => {
    expect(errorOf(json).message).toBe(message);
  });

  it('rejects duplicate role names, which would make the rows ambiguous', () => {
    const role = { name: 'idp', dependsOn: [], location: 'local', status: 'UP' };
    expect(errorOf({ ...sample(), roles: [role, role] }).message).toBe('roles[1].name: duplicate role "idp"');
  });

  it('rejects huge strings and arrays without echoing them', () => {
    const huge = 'x'.repeat(100_000);
    const longName = errorOf(withRole({ name: huge }));
    expect(longName.message).toBe('roles[0].name: is longer than 100 characters');
    expect(longName.message.length).toBeLessThan(100);

    expect(errorOf(withRole({ url: `http://example.test/${huge}` })).message).toBe(
      'roles[0].url: is longer than 2048 characters',
    );
    expect(errorOf({ ...sample(), targets: Array.from({ length: 10_000 }, () => 'all') }).message).toBe(
      'targets: has more than 200 items',
    );
  });

  it('names the failing field in PayloadError.path', () => {
    expect(errorOf(withRole({ location: 42 })).path).toBe('roles[0].location');
  });
});
