import type { DatabaseSchema } from '../api/worksheets';
import { HEADER_HEIGHT, layoutEr } from '../model/erLayout';
import { h } from './dom';

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  element.append(...children);
  return element;
}

/**
 * The ER diagram of a schema: tables with their columns, primary and foreign keys, and an arrow per
 * foreign key. Drag to pan, wheel or +/− to zoom, and export as a standalone SVG file. Colours are
 * presentation attributes, so the exported file looks the same outside the page.
 */
export function renderErDiagram(schema: DatabaseSchema, fileName: string): HTMLElement {
  const layout = layoutEr(schema);
  if (layout.tables.length === 0) return h('p', { class: 'none' }, 'This state has no tables yet.');
  const INITIAL_WIDTH = 720;
  const drawing = svg('svg', {
    xmlns: SVG,
    class: 'er',
    role: 'img',
    'aria-label': `Entity-relationship diagram of ${layout.tables.length} tables`,
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    'data-testid': 'er-diagram',
  });
  drawing.append(
    svg('defs', {}, svg('marker', { id: 'er-arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' }, svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#6e7781' }))),
  );
  for (const edge of layout.edges) {
    drawing.append(svg('path', { d: edge.path, fill: 'none', stroke: '#6e7781', 'stroke-width': 1.4, 'marker-end': 'url(#er-arrow)', class: 'er-edge', 'data-fk': edge.name, 'data-from': edge.from, 'data-to': edge.to }, svg('title', {}, `${edge.from} → ${edge.to} (${edge.name})`)));
  }
  for (const table of layout.tables) {
    const group = svg('g', { class: 'er-table', 'data-table': table.key });
    group.append(
      svg('rect', { x: table.x, y: table.y, width: table.width, height: table.height, rx: 6, fill: '#ffffff', stroke: '#57606a' }),
      svg('rect', { x: table.x, y: table.y, width: table.width, height: HEADER_HEIGHT, rx: 6, fill: '#0a58ca' }),
      svg('text', { x: table.x + 10, y: table.y + 19, fill: '#ffffff', 'font-weight': 700, 'font-family': 'system-ui, sans-serif', 'font-size': 13 }, table.schema === 'public' ? table.name : table.key),
    );
    for (const column of table.columns) {
      const marker = column.primaryKey ? 'PK ' : column.foreignKey ? 'FK ' : '';
      group.append(
        svg('text', { x: table.x + 10, y: column.y + 4, fill: '#1c2128', 'font-family': 'ui-monospace, monospace', 'font-size': 12, 'font-weight': column.primaryKey ? 700 : 400, class: 'er-column', 'data-column': column.name },
          svg('tspan', { fill: column.primaryKey ? '#9a6700' : '#0a58ca' }, marker), column.name, svg('tspan', { fill: '#6e7781' }, `  ${column.type}`)),
      );
    }
    drawing.append(group);
  }

  // Start at a readable scale from the top left rather than shrinking a big schema to fit.
  const fit = { x: 0, y: 0, width: layout.width, height: layout.height };
  let view = layout.width > INITIAL_WIDTH ? { x: 0, y: 0, width: INITIAL_WIDTH, height: INITIAL_WIDTH * 1.1 } : fit;
  const apply = (): void => drawing.setAttribute('viewBox', `${view.x} ${view.y} ${view.width} ${view.height}`);
  apply();
  const zoom = (factor: number): void => {
    const cx = view.x + view.width / 2;
    const cy = view.y + view.height / 2;
    view = { width: view.width * factor, height: view.height * factor, x: cx - (view.width * factor) / 2, y: cy - (view.height * factor) / 2 };
    apply();
  };
  let dragging: { x: number; y: number } | undefined;
  drawing.addEventListener('pointerdown', (event) => {
    dragging = { x: event.clientX, y: event.clientY };
    drawing.setPointerCapture(event.pointerId);
  });
  drawing.addEventListener('pointermove', (event) => {
    if (dragging === undefined) return;
    const scale = view.width / (drawing.clientWidth || view.width);
    view = { ...view, x: view.x - (event.clientX - dragging.x) * scale, y: view.y - (event.clientY - dragging.y) * scale };
    dragging = { x: event.clientX, y: event.clientY };
    apply();
  });
  drawing.addEventListener('pointerup', () => (dragging = undefined));
  drawing.addEventListener('wheel', (event) => {
    event.preventDefault();
    zoom(event.deltaY > 0 ? 1.1 : 1 / 1.1);
  }, { passive: false });

  const button = (label: string, name: string, action: () => void): HTMLButtonElement => {
    const b = h('button', { type: 'button', class: 'small', 'aria-label': name }, label);
    b.addEventListener('click', action);
    return b;
  };
  const exportSvg = button('Export SVG', 'Export the diagram as an SVG file', () => {
    const copy = drawing.cloneNode(true) as SVGSVGElement;
    copy.setAttribute('viewBox', `0 0 ${layout.width} ${layout.height}`);
    copy.setAttribute('width', String(layout.width));
    copy.setAttribute('height', String(layout.height));
    const blob = new Blob([new XMLSerializer().serializeToString(copy)], { type: 'image/svg+xml' });
    const link = h('a', { href: URL.createObjectURL(blob), download: fileName });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  });
  exportSvg.setAttribute('data-testid', 'export-svg');
  const controls = h(
    'div',
    { class: 'er-controls' },
    button('+', 'Zoom in', () => zoom(1 / 1.25)),
    button('−', 'Zoom out', () => zoom(1.25)),
    button('Fit', 'Show the whole diagram', () => {
      view = fit;
      apply();
    }),
    exportSvg,
  );
  return h('div', { class: 'er-wrap' }, controls, h('div', { class: 'er-canvas' }, drawing));
}
