import { describe, expect, it } from 'vitest';
import { fallbackTitle, parseProblem } from './problem';

describe('parseProblem', () => {
  it('reads an RFC 9457 document with the code extension', () => {
    const json = {
      type: 'https://taidon.dev/problems/engine-unavailable',
      title: 'Engine unavailable',
      status: 503,
      detail: 'PostgreSQL did not start within 30 s.',
      code: 'ENGINE_UNAVAILABLE',
      instance: '/api/v1/platform',
    };
    expect(parseProblem(json, 503)).toEqual({
      type: 'https://taidon.dev/problems/engine-unavailable',
      title: 'Engine unavailable',
      status: 503,
      detail: 'PostgreSQL did not start within 30 s.',
      code: 'ENGINE_UNAVAILABLE',
    });
  });

  it('defaults type to about:blank and leaves absent members out', () => {
    expect(parseProblem({ title: 'Not Found', status: 404 }, 404)).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
    });
  });

  it('ignores members of the wrong type, as RFC 9457 asks', () => {
    const problem = parseProblem({ type: 5, title: ['x'], status: '500', detail: {}, code: 17 }, 502);
    expect(problem).toEqual({ type: 'about:blank', title: fallbackTitle(502), status: 502 });
  });

  it.each([null, 'Internal Server Error', 42, [{ title: 'in an array' }], undefined])(
    'falls back to the HTTP status for a body of %j',
    (json) => {
      expect(parseProblem(json, 500)).toEqual({ type: 'about:blank', title: fallbackTitle(500), status: 500 });
    },
  );

  it('treats a blank title as missing', () => {
    expect(parseProblem({ title: '   ' }, 400).title).toBe(fallbackTitle(400));
  });

  it('cuts over-long strings instead of showing them whole', () => {
    const problem = parseProblem({ title: 't'.repeat(10_000), detail: 'd'.repeat(1_000_000) }, 500);
    expect(problem.title).toHaveLength(201);
    expect(problem.title.endsWith('…')).toBe(true);
    expect(problem.detail).toHaveLength(2001);
  });

  it('ignores a status outside the HTTP range', () => {
    expect(parseProblem({ title: 'Odd', status: 9999 }, 500).status).toBe(500);
  });
});
