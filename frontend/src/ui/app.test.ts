import { describe, expect, it } from 'vitest';
import { parseRoute } from './app';

describe('parseRoute', () => {
  it('reads worksheet, share and status routes', () => {
    expect(parseRoute('#/w/ws-0123')).toEqual({ page: 'worksheet', id: 'ws-0123' });
    expect(parseRoute('#/w/ws-0123?reload=5')).toEqual({ page: 'worksheet', id: 'ws-0123' });
    expect(parseRoute('#/share/AbC_-9')).toEqual({ page: 'share', token: 'AbC_-9' });
    expect(parseRoute('#/status')).toEqual({ page: 'status' });
  });

  it('sends anything else, hostile or empty, to the start page', () => {
    for (const hash of ['', '#', '#/', '#/w/', '#/w/<script>', '#/share/../../x', `#/w/${'a'.repeat(500)}`, '#/nope']) {
      expect(parseRoute(hash), hash).toEqual({ page: 'start' });
    }
  });
});
