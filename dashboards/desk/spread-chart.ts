/**
 * The spread chart of a claim: copies per hour as bars, their reach as a line, and the debunk's
 * publications as markers with their reach, on one time axis. Plain SVG built node by node (text
 * only through textContent), with a text summary for screen readers.
 */
import type { ClaimDetailDto } from '../../src/contracts/desk';

const NS = 'http://www.w3.org/2000/svg';
const W = 640;
const H = 200;
const PAD = { left: 36, right: 44, top: 12, bottom: 28 };

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

const hourFmt = new Intl.DateTimeFormat('ru-RU', { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' });
const num = new Intl.NumberFormat('ru-RU');

export function spreadChart(spread: ClaimDetailDto['spread']): HTMLElement {
  const figure = document.createElement('figure');
  figure.className = 'spread';
  const times = [...spread.copies.map((b) => Date.parse(b.at)), ...spread.publications.map((p) => Date.parse(p.publishedAt))].filter(Number.isFinite);
  const caption = document.createElement('figcaption');
  caption.textContent = `Копии: ${num.format(spread.totals.copies)} (охват ${num.format(spread.totals.reach)}); опровержения: ${spread.totals.publications} (охват ${num.format(spread.totals.publicationReach)}); за последний час ${spread.copiesLastHour}, за предыдущий ${spread.copiesPreviousHour}${spread.accelerating ? ' — распространение ускоряется' : ''}`;
  if (times.length === 0) {
    figure.append(caption);
    return figure;
  }
  const t0 = Math.min(...times);
  const t1 = Math.max(...times, t0 + 3_600_000) + 3_600_000;
  const maxCopies = Math.max(1, ...spread.copies.map((b) => b.copies));
  const maxReach = Math.max(1, ...spread.copies.map((b) => b.reach), ...spread.publications.map((p) => p.reach));
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const yc = (c: number) => H - PAD.bottom - (c / maxCopies) * (H - PAD.top - PAD.bottom);
  const yr = (r: number) => H - PAD.bottom - (r / maxReach) * (H - PAD.top - PAD.bottom);
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': caption.textContent, class: 'spread__svg' });
  root.append(svg('line', { x1: PAD.left, y1: H - PAD.bottom, x2: W - PAD.right, y2: H - PAD.bottom, class: 'spread__axis' }));
  root.append(svg('text', { x: 4, y: PAD.top + 8, class: 'spread__label' }, String(maxCopies)));
  root.append(svg('text', { x: W - PAD.right + 4, y: PAD.top + 8, class: 'spread__label' }, num.format(maxReach)));
  const barW = Math.max(3, ((W - PAD.left - PAD.right) * 3_600_000) / (t1 - t0) - 2);
  for (const b of spread.copies) {
    const t = Date.parse(b.at);
    const rect = svg('rect', { x: x(t), y: yc(b.copies), width: barW, height: H - PAD.bottom - yc(b.copies), class: 'spread__bar' });
    rect.append(svg('title', {}, `${hourFmt.format(t)}: копий ${b.copies}, охват ${num.format(b.reach)}`));
    root.append(rect);
  }
  if (spread.copies.length > 0) {
    const points = spread.copies.map((b) => `${x(Date.parse(b.at)) + barW / 2},${yr(b.reach)}`).join(' ');
    root.append(svg('polyline', { points, class: 'spread__reach' }));
  }
  for (const p of spread.publications) {
    const t = Date.parse(p.publishedAt);
    const g = svg('g', { class: 'spread__debunk' });
    g.append(svg('line', { x1: x(t), y1: PAD.top, x2: x(t), y2: H - PAD.bottom }));
    g.append(svg('circle', { cx: x(t), cy: yr(p.reach), r: 5 }));
    g.append(svg('title', {}, `Опровержение ${hourFmt.format(t)}: охват ${num.format(p.reach)}`));
    root.append(g);
  }
  root.append(svg('text', { x: PAD.left, y: H - 8, class: 'spread__label' }, hourFmt.format(t0)));
  root.append(svg('text', { x: W - PAD.right, y: H - 8, class: 'spread__label', 'text-anchor': 'end' }, hourFmt.format(t1)));
  figure.append(root, caption);
  return figure;
}
