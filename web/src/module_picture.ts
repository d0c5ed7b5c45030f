//! The picture of the output module: one strip of its bytes with its sections (wasm) or
//! ELF sections marked, and the ranges this update patched drawn over them in red.

import type { ByteRange, Region } from './module_map.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 1000;

function el(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

export function drawModule(svg: SVGSVGElement, size: number, regions: readonly Region[], patches: readonly ByteRange[]): void {
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${WIDTH} 90`);
  if (size === 0) return;
  const x = (offset: number) => (offset / size) * WIDTH;
  regions.forEach((r, i) => {
    const w = Math.max(x(r.size), 1);
    const g = el('g', { class: 'region' });
    g.append(el('rect', { x: x(r.offset), y: 20, width: w, height: 40, class: `band band${i % 2}` }));
    g.append(el('title', {}, `${r.name}: bytes ${r.offset}..${r.offset + r.size}`));
    if (w > 28) g.append(el('text', { x: x(r.offset) + 2, y: 16, class: 'label' }, r.name));
    svg.append(g);
  });
  for (const p of patches) {
    const rect = el('rect', { x: x(p.offset), y: 20, width: Math.max(x(p.size), 3), height: 40, class: 'patch' });
    rect.append(el('title', {}, `patched: ${p.size} bytes at ${p.offset}`));
    svg.append(rect);
  }
  svg.append(el('text', { x: 0, y: 78, class: 'label' }, '0'));
  svg.append(el('text', { x: WIDTH, y: 78, class: 'label', 'text-anchor': 'end' }, `${size} bytes`));
}
