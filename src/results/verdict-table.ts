import { gateValue } from './report/text.js';
import type { Summary } from './summary.js';

/** The console's verdict: one line per gate, then the verdict. */
export function verdictLines(s: Summary, title: string): string[] {
  const lines = [
    `${title}: ${s.totals.samples} samples, ${(s.totals.errorRate * 100).toFixed(2)}% errors, median ${s.totals.median} ms, p95 ${s.totals.p95} ms, p99 ${s.totals.p99} ms, ${s.totals.throughput.toFixed(1)}/s`,
  ];
  const width = Math.max(0, ...s.gates.map((g) => g.expression.length));
  for (const g of s.gates) {
    lines.push(
      `  ${g.passed ? 'PASS' : 'FAIL'}  ${g.expression.padEnd(width)}  actual ${gateValue(g.actual, g.metric)}` +
        (g.threshold === null ? '' : `, threshold ${g.op} ${gateValue(g.threshold, g.metric)}`) +
        (g.passed ? '' : `  (${g.reason})`),
    );
  }
  lines.push(`  verdict: ${s.verdict}`);
  for (const w of s.warnings) lines.push(`  warning: ${w}`);
  return lines;
}
