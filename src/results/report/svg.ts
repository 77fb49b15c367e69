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
  legend: Pick<Series, 'name' | 'className'>[],
  /** A label under each point at xAt(i) (a trend's runs), rather than five spread over a time axis. */
  xAt?: (i: number) => number,
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
  const last = xLabels.length - 1;
  const tick = (x: number, anchor: string, label: string) =>
    `<text class="tick" x="${x.toFixed(1)}" y="${H - 10}" text-anchor="${anchor}" font-size="11" fill="#5b6570">${escapeHtml(label)}</text>`;
  // Beyond 16 runs their labels would overlap: then the first, the middle one and the last.
  const every = (xAt: (i: number) => number) =>
    (xLabels.length <= 16 ? xLabels.map((_, i) => i) : [0, Math.round(last / 2), last]).map((i) =>
      tick(xAt(i), 'middle', xLabels[i] as string),
    );
  const five = () =>
    [0, 0.25, 0.5, 0.75, 1].map((f) => {
      const i = Math.round(f * last);
      return tick(
        M.left + (plotW * i) / last,
        f === 0 ? 'start' : f === 1 ? 'end' : 'middle',
        xLabels[i] as string,
      );
    });
  const xt = xAt ? every(xAt) : xLabels.length > 1 ? five() : [];
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

/** One run of a trend chart: its x label, its value (null: unknown, not drawn) and a tooltip. */
export interface TrendDot {
  x: string;
  value: number | null;
  current: boolean;
  tip: string;
}

/**
 * A metric per run: the earlier runs joined by a line, this run a larger dot of its own colour, and a gate's
 * threshold as a dashed line across. Tooltips are <title> elements (no script).
 */
export function trendChart(title: string, yUnit: string, dots: TrendDot[], threshold: number | null): string {
  const values = dots.flatMap((d) => (d.value === null ? [] : [d.value]));
  const yMax = niceMax(Math.max(...values, threshold ?? 0, 0));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  // Each run in the middle of its share of the axis: this run's larger dot is not cut at the edge.
  const x = (i: number) => M.left + (plotW * (i + 0.5)) / dots.length;
  const y = (v: number) => M.top + plotH * (1 - v / yMax);
  const xy = (d: TrendDot, i: number) => `${x(i).toFixed(1)},${y(d.value as number).toFixed(1)}`;
  const known = dots.map((d, i) => ({ d, i })).filter(({ d }) => d.value !== null);
  const earlier = known.filter(({ d }) => !d.current);
  const body = [
    threshold === null
      ? ''
      : `<line class="line threshold" x1="${M.left}" x2="${W - M.right}" y1="${y(threshold).toFixed(1)}" y2="${y(threshold).toFixed(1)}" stroke="#c53030" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    `<polyline class="line trend" fill="none" stroke="#3b82c4" stroke-width="2" points="${known.map(({ d, i }) => xy(d, i)).join(' ')}"/>`,
    ...known.map(({ d, i }) =>
      d.current
        ? `<circle class="dot now" cx="${x(i).toFixed(1)}" cy="${y(d.value as number).toFixed(1)}" r="7" fill="#e0a31a" stroke="#7a5200" stroke-width="2"><title>${escapeHtml(d.tip)}</title></circle>`
        : `<circle class="dot trend" cx="${x(i).toFixed(1)}" cy="${y(d.value as number).toFixed(1)}" r="4" fill="#3b82c4"><title>${escapeHtml(d.tip)}</title></circle>`,
    ),
  ];
  const legend = [
    ...(earlier.length ? [{ name: 'earlier runs', className: 'trend' }] : []),
    { name: 'this run', className: 'now' },
    ...(threshold === null ? [] : [{ name: 'gate threshold', className: 'threshold' }]),
  ];
  return frame(
    title,
    yUnit,
    yMax,
    dots.map((d) => d.x),
    body.filter(Boolean).join('\n'),
    legend,
    x,
  );
}
