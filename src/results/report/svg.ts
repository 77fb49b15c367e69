import { escapeHtml } from './text.js';

/**
 * Small, dependency-free SVG charts. No script and no inline style: the report must render under
 * Jenkins' default CSP (style-src 'self'), so colours are presentation attributes, classes come from
 * report.css, and the numbers on the axes are plain <text>.
 */
export interface Series {
  name: string;
  className: string;
  color: string;
  values: number[];
}

const W = 760;
const H = 240;
const M = { left: 56, right: 16, top: 14, bottom: 30 };

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

function frame(
  title: string,
  yUnit: string,
  yMax: number,
  xLabels: string[],
  body: string,
  legend: Series[],
): string {
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = M.top + plotH * (1 - f);
    const v = yMax * f;
    return (
      `<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="#e3e6ea"/>` +
      `<text class="tick" x="${M.left - 6}" y="${y + 4}" text-anchor="end" font-size="11" fill="#5b6570">${+v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)}</text>`
    );
  });
  const xt =
    xLabels.length > 1
      ? [0, 0.25, 0.5, 0.75, 1].map((f) => {
          const i = Math.round(f * (xLabels.length - 1));
          const x = M.left + (plotW * i) / (xLabels.length - 1);
          const anchor = f === 0 ? 'start' : f === 1 ? 'end' : 'middle';
          return `<text class="tick" x="${x}" y="${H - 10}" text-anchor="${anchor}" font-size="11" fill="#5b6570">${escapeHtml(xLabels[i] as string)}</text>`;
        })
      : [];
  const legendItems = legend
    .map(
      (s) =>
        `<span class="legend-item"><span class="swatch ${s.className}"></span>${escapeHtml(s.name)}</span>`,
    )
    .join(' ');
  return `<figure class="chart"><figcaption>${escapeHtml(title)} <span class="unit">(${escapeHtml(yUnit)})</span></figcaption>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(title)}">
${ticks.join('\n')}
${xt.join('\n')}
<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#8a949e"/>
${body}
</svg>
<div class="legend">${legendItems}</div></figure>`;
}

/** Lines over time; xLabels are shown under the axis at five positions. */
export function lineChart(title: string, yUnit: string, xLabels: string[], series: Series[]): string {
  const n = Math.max(...series.map((s) => s.values.length), 0);
  const yMax = niceMax(Math.max(...series.flatMap((s) => s.values), 0));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const x = (i: number) => M.left + (n > 1 ? (plotW * i) / (n - 1) : plotW / 2);
  const y = (v: number) => M.top + plotH * (1 - v / yMax);
  const lines = series.map(
    (s) =>
      `<polyline class="line ${s.className}" fill="none" stroke="${s.color}" stroke-width="2" points="${s.values
        .map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`)
        .join(' ')}"/>`,
  );
  return frame(title, yUnit, yMax, xLabels, lines.join('\n'), series);
}

/** Vertical bars, e.g. the response-time distribution or errors per interval. */
export function barChart(title: string, yUnit: string, xLabels: string[], s: Series): string {
  const yMax = niceMax(Math.max(...s.values, 0));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const bw = plotW / Math.max(s.values.length, 1);
  const bars = s.values.map((v, i) => {
    const h = (plotH * v) / yMax;
    return `<rect class="bar ${s.className}" x="${(M.left + i * bw + 1).toFixed(1)}" y="${(M.top + plotH - h).toFixed(1)}" width="${Math.max(bw - 2, 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${s.color}"><title>${escapeHtml(`${xLabels[i]}: ${v}`)}</title></rect>`;
  });
  return frame(title, yUnit, yMax, xLabels, bars.join('\n'), [s]);
}
