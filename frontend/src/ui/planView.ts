import { formatMs } from '../model/run';
import { misestimated, type Plan, type PlanNode } from '../model/plan';
import { h } from './dom';

/** An EXPLAIN plan as a tree: per node its time, estimated against actual rows; the costliest nodes stand out. */
export function renderPlan(plan: Plan): HTMLElement {
  const summary = h(
    'p',
    { class: 'meta' },
    plan.analyzed ? 'Plan with actual times' : 'Estimated plan (run EXPLAIN ANALYZE for actual times)',
    plan.planningMs === undefined ? '' : ` · planning ${formatMs(plan.planningMs)}`,
    plan.executionMs === undefined ? '' : ` · execution ${formatMs(plan.executionMs)}`,
  );
  return h('div', { class: 'plan', 'data-testid': 'plan' }, summary, h('ul', { class: 'plan-tree', role: 'tree' }, renderNode(plan.root, plan)));
}

function renderNode(node: PlanNode, plan: Plan): HTMLElement {
  const facts: (HTMLElement | string)[] = [];
  if (node.totalMs !== undefined) facts.push(h('span', { class: 'plan-time' }, formatMs(node.totalMs)));
  if (node.selfMs !== undefined && node.children.length > 0) facts.push(h('span', { class: 'meta' }, `self ${formatMs(node.selfMs)}`));
  if (node.estimatedRows !== undefined) {
    const rows =
      node.actualRows === undefined
        ? `rows ≈ ${node.estimatedRows}`
        : `rows ${node.actualRows}${node.loops !== undefined && node.loops > 1 ? ` × ${node.loops} loops` : ''} (estimated ${node.estimatedRows})`;
    facts.push(h('span', { class: misestimated(node) ? 'plan-rows misestimate' : 'plan-rows', title: misestimated(node) ? 'Estimate off by more than 10×' : '' }, rows));
  }
  if (!plan.analyzed && node.totalCost !== undefined) facts.push(h('span', { class: 'meta' }, `cost ${node.totalCost}`));
  const item = h(
    'li',
    { role: 'treeitem', class: node.expensive ? 'plan-node expensive' : 'plan-node', 'aria-expanded': 'true', 'data-node-type': node.nodeType },
    h('div', { class: 'plan-line' }, h('strong', {}, node.nodeType), node.detail === '' ? '' : h('span', { class: 'plan-detail' }, node.detail), ...facts),
  );
  if (node.children.length > 0) item.append(h('ul', { role: 'group' }, ...node.children.map((c) => renderNode(c, plan))));
  return item;
}
