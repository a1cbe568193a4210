import { getJson, type ApiResult } from './client';
import {
  PayloadError,
  expectArray,
  expectInteger,
  expectRecord,
  expectString,
  expectStringArray,
} from './validate';

export const PLATFORM_STATUS_URL = '/api/v1/platform';

export interface RoleStatus {
  readonly name: string;
  readonly dependsOn: readonly string[];
  /** "local" or "remote" today; kept open so a new kind of location does not blank the page. */
  readonly location: string;
  /** Present for remote roles only. */
  readonly url?: string;
  /** "UP" or "DOWN" today; kept open for the same reason as location. */
  readonly status: string;
}

export interface EngineInfo {
  readonly postgresVersion: string;
  readonly stateFormatVersion: number;
  readonly fingerprint: string;
}

export interface PlatformStatus {
  readonly version: string;
  readonly targets: readonly string[];
  readonly roles: readonly RoleStatus[];
  /** Absent when the server could not obtain it. */
  readonly engine?: EngineInfo;
}

const MAX_ITEMS = 200;
const MAX_NAME_LENGTH = 100;
const MAX_TOKEN_LENGTH = 32;
const MAX_URL_LENGTH = 2048;
const FINGERPRINT = /^[0-9a-f]{64}$/i;

/** Validates the body of GET /api/v1/platform; throws PayloadError naming the first offending field. */
export function parsePlatformStatus(json: unknown): PlatformStatus {
  const root = expectRecord(json, 'platform');
  const version = expectString(root.version, 'version', MAX_TOKEN_LENGTH * 2);
  const targets = expectStringArray(root.targets, 'targets', MAX_ITEMS, MAX_NAME_LENGTH);
  const roles = expectArray(root.roles, 'roles', MAX_ITEMS).map((role, i) => parseRole(role, `roles[${i}]`));
  const seen = new Set<string>();
  roles.forEach((role, i) => {
    // Role names key the rows (data-role), so they must be unique.
    if (seen.has(role.name)) throw new PayloadError(`roles[${i}].name`, `duplicate role "${role.name}"`);
    seen.add(role.name);
  });
  const status: PlatformStatus = { version, targets, roles };
  if (root.engine === undefined || root.engine === null) return status;
  return { ...status, engine: parseEngine(root.engine, 'engine') };
}

function parseRole(json: unknown, path: string): RoleStatus {
  const role = expectRecord(json, path);
  const parsed: RoleStatus = {
    name: expectString(role.name, `${path}.name`, MAX_NAME_LENGTH),
    dependsOn: expectStringArray(role.dependsOn, `${path}.dependsOn`, MAX_ITEMS, MAX_NAME_LENGTH),
    location: expectString(role.location, `${path}.location`, MAX_TOKEN_LENGTH),
    status: expectString(role.status, `${path}.status`, MAX_TOKEN_LENGTH),
  };
  if (role.url === undefined || role.url === null) return parsed;
  return { ...parsed, url: parseHttpUrl(role.url, `${path}.url`) };
}

function parseHttpUrl(json: unknown, path: string): string {
  const text = expectString(json, path, MAX_URL_LENGTH);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PayloadError(path, 'is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PayloadError(path, 'must be an http or https URL');
  }
  return text;
}

function parseEngine(json: unknown, path: string): EngineInfo {
  const engine = expectRecord(json, path);
  const fingerprint = expectString(engine.fingerprint, `${path}.fingerprint`, 64);
  if (!FINGERPRINT.test(fingerprint)) {
    throw new PayloadError(`${path}.fingerprint`, 'expected 64 hexadecimal characters');
  }
  return {
    postgresVersion: expectString(engine.postgresVersion, `${path}.postgresVersion`, MAX_TOKEN_LENGTH),
    stateFormatVersion: expectInteger(engine.stateFormatVersion, `${path}.stateFormatVersion`, 0, 1_000_000),
    fingerprint,
  };
}

export function fetchPlatformStatus(fetchImpl?: typeof fetch): Promise<ApiResult<PlatformStatus>> {
  return getJson(PLATFORM_STATUS_URL, parsePlatformStatus, { fetchImpl });
}
