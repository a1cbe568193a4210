import { isRecord } from '../api/validate';

/** One node of an EXPLAIN (FORMAT JSON) plan, with what the SPA shows of it. */
export interface PlanNode {
  readonly nodeType: string;
  /** Relation, index, join type and the like, in a few words. */
  readonly detail: string;
  readonly estimatedRows?: number;
  readonly actualRows?: number;
  readonly loops?: number;
  readonly totalCost?: number;
  /** Inclusive time of all loops, when the plan was ANALYZEd. */
  readonly totalMs?: number;
  /** Time spent in this node itself, without its children. */
  readonly selfMs?: number;
  readonly children: PlanNode[];
  /** Among the nodes that took the most time of their own. */
  expensive: boolean;
}

export interface Plan {
  readonly root: PlanNode;
  readonly planningMs?: number;
  readonly executionMs?: number;
  readonly analyzed: boolean;
}

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const MAX_DEPTH = 200;

/**
 * Reads the JSON EXPLAIN gives (an array holding one object with a "Plan"). Returns undefined for
 * anything else. Marks as expensive the nodes whose own time (or cost, without ANALYZE) is
 * highest: the top three, if each takes at least a tenth of the whole.
 */
export function parsePlan(json: unknown): Plan | undefined {
  const top = Array.isArray(json) ? json[0] : json;
  if (!isRecord(top) || !isRecord(top.Plan)) return undefined;
  const root = node(top.Plan, 0);
  const analyzed = root.totalMs !== undefined;
  markExpensive(root, analyzed);
  const plan: Plan = { root, analyzed };
  const planningMs = num(top['Planning Time']);
  const executionMs = num(top['Execution Time']);
  return {
    ...plan,
    ...(planningMs === undefined ? {} : { planningMs }),
    ...(executionMs === undefined ? {} : { executionMs }),
  };
}

function node(json: Record<string, unknown>, depth: number): PlanNode {
  const children =
    depth < MAX_DEPTH && Array.isArray(json.Plans) ? json.Plans.filter(isRecord).map((child) => node(child, depth + 1)) : [];
  const loops = num(json['Actual Loops']);
  const actualTotal = num(json['Actual Total Time']);
  const totalMs = actualTotal === undefined ? undefined : actualTotal * (loops ?? 1);
  const childMs = children.reduce((sum, c) => sum + (c.totalMs ?? 0), 0);
  const result: PlanNode = {
    nodeType: typeof json['Node Type'] === 'string' ? json['Node Type'] : 'Node',
    detail: describe(json),
    children,
    expensive: false,
  };
  return Object.assign(result, defined({
    estimatedRows: num(json['Plan Rows']),
    actualRows: num(json['Actual Rows']),
    loops,
    totalCost: num(json['Total Cost']),
    totalMs,
    selfMs: totalMs === undefined ? undefined : Math.max(0, totalMs - childMs),
  }));
}

function defined(values: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, number] => entry[1] !== undefined));
}

function describe(json: Record<string, unknown>): string {
  const parts: string[] = [];
  const str = (key: string): string | undefined => (typeof json[key] === 'string' ? (json[key] as string) : undefined);
  const join = str('Join Type');
  if (join !== undefined) parts.push(`${join} join`);
  const relation = str('Relation Name');
  if (relation !== undefined) parts.push(`on ${relation}${str('Alias') !== undefined && str('Alias') !== relation ? ` ${str('Alias')}` : ''}`);
  const index = str('Index Name');
  if (index !== undefined) parts.push(`using ${index}`);
  for (const key of ['Hash Cond', 'Merge Cond', 'Join Filter', 'Index Cond', 'Filter', 'Sort Key', 'Group Key']) {
    const value = json[key];
    if (typeof value === 'string') parts.push(`${key.toLowerCase()}: ${value}`);
    else if (Array.isArray(value)) parts.push(`${key.toLowerCase()}: ${value.filter((v) => typeof v === 'string').join(', ')}`);
  }
  return parts.join(' · ');
}

function markExpensive(root: PlanNode, analyzed: boolean): void {
  const all: PlanNode[] = [];
  const walk = (n: PlanNode): void => {
    all.push(n);
    n.children.forEach(walk);
  };
  walk(root);
  const weight = (n: PlanNode): number =>
    analyzed ? (n.selfMs ?? 0) : Math.max(0, (n.totalCost ?? 0) - n.children.reduce((s, c) => s + (c.totalCost ?? 0), 0));
  const total = all.reduce((sum, n) => sum + weight(n), 0);
  if (total <= 0) return;
  [...all]
    .sort((a, b) => weight(b) - weight(a))
    .slice(0, 3)
    .filter((n) => weight(n) >= total / 10)
    .forEach((n) => (n.expensive = true));
}

/** Whether estimated and actual rows differ by more than a factor of ten, a usual sign of stale statistics. */
export function misestimated(node: PlanNode): boolean {
  if (node.estimatedRows === undefined || node.actualRows === undefined) return false;
  const estimated = Math.max(node.estimatedRows, 1);
  const actual = Math.max(node.actualRows, 1);
  return estimated / actual > 10 || actual / estimated > 10;
}
