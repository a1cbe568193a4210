import { describe, expect, it } from 'vitest';
import { misestimated, parsePlan } from './plan';

const analyzed = [{
  Plan: {
    'Node Type': 'Hash Join', 'Join Type': 'Inner', 'Hash Cond': '(t.album_id = a.album_id)',
    'Plan Rows': 3503, 'Actual Rows': 3503, 'Actual Loops': 1, 'Actual Total Time': 4.0, 'Total Cost': 120,
    Plans: [
      { 'Node Type': 'Seq Scan', 'Relation Name': 'track', Alias: 't', 'Plan Rows': 3503, 'Actual Rows': 3503, 'Actual Loops': 1, 'Actual Total Time': 3.0, 'Total Cost': 80 },
      { 'Node Type': 'Hash', 'Plan Rows': 347, 'Actual Rows': 347, 'Actual Loops': 1, 'Actual Total Time': 0.5, 'Total Cost': 10,
        Plans: [{ 'Node Type': 'Seq Scan', 'Relation Name': 'album', Alias: 'a', 'Plan Rows': 2, 'Actual Rows': 347, 'Actual Loops': 1, 'Actual Total Time': 0.3, 'Total Cost': 7 }] },
    ],
  },
  'Planning Time': 0.2,
  'Execution Time': 4.3,
}];

describe('parsePlan', () => {
  it('reads the tree with self times and marks the costliest nodes', () => {
    const plan = parsePlan(analyzed)!;
    expect(plan.analyzed).toBe(true);
    expect(plan.executionMs).toBe(4.3);
    expect(plan.root.nodeType).toBe('Hash Join');
    expect(plan.root.detail).toBe('Inner join · hash cond: (t.album_id = a.album_id)');
    expect(plan.root.selfMs).toBeCloseTo(0.5);
    const [track, hash] = plan.root.children;
    expect(track!.detail).toBe('on track t');
    expect(track!.expensive).toBe(true);
    expect(hash!.children[0]!.expensive).toBe(false);
    expect(misestimated(hash!.children[0]!)).toBe(true);
    expect(misestimated(track!)).toBe(false);
  });

  it('uses costs when the plan was not analysed', () => {
    const plan = parsePlan([{ Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 'x', 'Total Cost': 35.5, 'Plan Rows': 2550 } }])!;
    expect(plan.analyzed).toBe(false);
    expect(plan.root.expensive).toBe(true);
    expect(plan.root.totalMs).toBeUndefined();
  });

  it('returns nothing for what is not a plan, and survives absurd depth', () => {
    expect(parsePlan(null)).toBeUndefined();
    expect(parsePlan([{ NotAPlan: 1 }])).toBeUndefined();
    let deep: Record<string, unknown> = { 'Node Type': 'Leaf' };
    for (let i = 0; i < 5000; i++) deep = { 'Node Type': 'Wrap', Plans: [deep] };
    expect(parsePlan([{ Plan: deep }])?.root.nodeType).toBe('Wrap');
  });
});
