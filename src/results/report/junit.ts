import { visibleControls } from '../../util/text.js';
import type { Summary } from '../summary.js';
import { errorListLines, errorsOf, topKinds } from './errors-text.js';
import { gateValue } from './text.js';

/** Kinds of error a failed error gate's text lists (the rest as "other"). */
export const JUNIT_ERRORS = 5;

/** Under a failed gate on errors: the most frequent errors of its label (or of the run), one per line. */
function gateErrors(s: Summary, g: Summary['gates'][number]): string {
  if (g.metric !== 'error_rate' && g.metric !== 'errors') return '';
  const e = errorsOf(s);
  const t = g.label === null ? e?.total : e?.labels.find((l) => l.label === g.label);
  if (!t?.errors) return '';
  return `\nmost frequent errors:\n${errorListLines(topKinds(t, JUNIT_ERRORS)).join('\n')}`;
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  // As references, so a parser's attribute-value normalisation does not turn them into spaces.
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/**
 * Text for an attribute or element: characters XML 1.0 forbids (a label with \x01 or \x1b would make the
 * whole file unreadable to CI) are shown as visible escapes, markup characters as entities.
 */
const xml = (t: string) =>
  visibleControls(t, { keepWhitespace: true }).replace(/[&<>"\t\n\r]/g, (c) => ENTITIES[c] as string);

/** junit.xml: one testcase per gate, so CI test tabs show which gate failed, with actual vs threshold. */
export function renderJunit(s: Summary, name = 'atq performance gates'): string {
  // An inconclusive gate fails the run only under --inconclusive fail; otherwise it is neither passed nor failed.
  const failing = (g: Summary['gates'][number]) =>
    g.status === 'failed' || (g.status === 'inconclusive' && s.inconclusive === 'fail');
  const failures = s.gates.filter(failing).length;
  const skipped = s.gates.filter(
    (g) => g.status === 'skipped' || (g.status === 'inconclusive' && !failing(g)),
  ).length;
  const time = s.window.durationSeconds.toFixed(3);
  const cases = s.gates.map((g) => {
    const open = `    <testcase classname="atq.gates" name="${xml(g.expression)}" time="0">`;
    if (g.status === 'passed') return `${open}</testcase>`;
    // JUnit's own element, so Jenkins and CI test tabs count the gate as skipped, not passed or failed.
    if (g.status === 'skipped' || (g.status === 'inconclusive' && !failing(g)))
      return `${open}\n      <skipped message="${xml(g.reason)}"/>\n    </testcase>`;
    const detail = `actual ${gateValue(g.actual, g.metric)}, threshold ${g.op} ${gateValue(g.threshold, g.metric)}${g.baseline === null ? '' : `, baseline ${gateValue(g.baseline, g.metric)}`}`;
    return `${open}\n      <failure message="${xml(g.reason)}" type="GateFailed">${xml(`${g.expression}: ${g.reason} (${detail})${gateErrors(s, g)}`)}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="atq" tests="${s.gates.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}">`,
    `  <testsuite name="${xml(name)}" tests="${s.gates.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
