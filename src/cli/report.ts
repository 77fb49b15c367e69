import path from 'node:path';
import { baselineProblems } from '../config/criteria.js';
import { FIELD_BY_NAME, type Field } from '../config/fields.js';
import { DEFAULTS } from '../config/options.js';
import { parseField } from '../config/parse-field.js';
import { parseConfidence } from '../config/resolve.js';
import { AtqError, ConfigError } from '../errors.js';
import { criteriaProblems, GATE_FORMS, parseGates } from '../config/gate-grammar.js';
import { JtlError } from '../results/jtl/read.js';
import { analyseJtl, type Summary } from '../results/summary.js';
import { baselineOf, readRunBaselines, type RunBaselines } from '../core/baseline.js';
import { trendLines, verdictLines } from '../results/verdict-table.js';
import { writeReports } from '../results/write.js';
import { parseFlags } from './args.js';
import { EXIT } from './exit.js';

export const REPORT_HELP = `Usage: atq report <results.jtl> [--criteria GATE]... [--baseline PATH] [--baseline-missing fail|skip]
                  [--baseline-runs 10] [--confidence 95%] [--inconclusive pass|fail]
                  [--out DIR] [--percentile N]...

Analyses any JMeter results file (CSV or XML JTL) as atq run does: exact statistics, gates, and
summary.json, summary.md, junit.xml, report.html (+ report.css) in --out (default: the JTL's folder).
Exit code 3 when a gate fails. --baseline: a summary.json of an earlier run, or a folder of earlier runs'
results (their newest --baseline-runs are the history baseline gates are judged against: passed, failed or
inconclusive at --confidence; see docs/statistics.md); --baseline-missing skip: gates on the baseline are
skipped, with a warning, when there is none.

Gates: ${GATE_FORMS.join('\n       ')}`;

export async function reportCommand(argv: string[], cwd: string): Promise<number> {
  const flags = parseFlags(
    argv,
    {
      criteria: { type: 'string', multiple: true },
      baseline: { type: 'string' },
      'baseline-missing': { type: 'string' },
      'baseline-runs': { type: 'string' },
      confidence: { type: 'string' },
      inconclusive: { type: 'string' },
      out: { type: 'string' },
      percentile: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    1,
  );
  if (flags.help) {
    process.stdout.write(REPORT_HELP + '\n');
    return EXIT.ok;
  }
  const problems: string[] = [];
  const [jtl] = flags._ as string[];
  if (!jtl) problems.push('give the results file to analyse: atq report results.jtl');
  const { gates, problems: gateProblems } = parseGates((flags.criteria as string[] | undefined) ?? []);
  problems.push(...criteriaProblems(gateProblems));
  // The same field, and so the same check and message, as atq run's --baseline-missing.
  const missingFlag = flags['baseline-missing'];
  const mode = missingFlag === undefined ? 'fail' : missingFlag;
  if (missingFlag !== undefined)
    problems.push(...parseField(FIELD_BY_NAME.get('baseline-missing') as Field, missingFlag).problems);
  if (!flags.baseline && mode !== 'skip') problems.push(...baselineProblems(gates));
  const judging = judgingFlags(flags, problems);
  const percentiles = ((flags.percentile as string[] | undefined) ?? []).map((p) => {
    const n = Number(p.replace(/^p/i, ''));
    if (!(n >= 0 && n <= 100)) problems.push(`percentile: "${p}" is not a number from 0 to 100`);
    return n / 100;
  });
  const baselines = await readRunBaselines(
    {
      baselineFile: flags.baseline ? path.resolve(cwd, flags.baseline as string) : undefined,
      baselineMissing: mode === 'skip' ? 'skip' : 'fail',
    },
    { warn: (m) => process.stderr.write(`warning: ${m}\n`) },
  ).catch((e: AtqError) => {
    problems.push(e.message);
    return undefined;
  });
  if (problems.length) throw new ConfigError(problems);
  const file = path.resolve(cwd, jtl as string);
  // A JTL on its own has no plan name: a results folder as baseline must hold one plan's summaries.
  const { history, missing } = baselineOf(baselines as RunBaselines, '', 1, judging.runs);
  let summary: Summary;
  try {
    summary = await analyseJtl(file, {
      gates,
      history,
      baselineMissing: missing,
      percentiles,
      confidence: judging.confidence,
      inconclusive: judging.inconclusive,
    });
  } catch (e) {
    if (e instanceof JtlError)
      throw new AtqError('RESULTS_INVALID', `Cannot analyse ${e.message}`, { file: e.file, line: e.line });
    throw e;
  }
  const out = path.resolve(cwd, (flags.out as string | undefined) ?? path.dirname(file));
  await writeReports(out, summary);
  // The trend after the verdict: with --baseline DIR, the earlier runs the gates were judged against.
  for (const line of [...verdictLines(summary, path.basename(file)), ...trendLines(summary)])
    process.stderr.write(line + '\n');
  process.stderr.write(`reports in ${out}\n`);
  return summary.verdict === 'failed' ? EXIT.gatesFailed : EXIT.ok;
}

/** --baseline-runs, --confidence, --inconclusive: the same fields, checks and messages as atq run's. */
function judgingFlags(flags: Record<string, unknown>, problems: string[]) {
  const field = (name: string) => {
    if (flags[name] === undefined) return undefined;
    const parsed = parseField(FIELD_BY_NAME.get(name) as Field, flags[name]);
    problems.push(...parsed.problems);
    return parsed.value;
  };
  const confidence = flags.confidence === undefined ? DEFAULTS.confidence : parseConfidence(flags.confidence);
  if (confidence === undefined)
    problems.push(
      `confidence: ${JSON.stringify(flags.confidence)} is not a confidence from 80% to 99.9%; use e.g. 95% or 0.99`,
    );
  return {
    runs: (field('baseline-runs') as number | undefined) ?? DEFAULTS.baselineRuns,
    confidence: confidence ?? DEFAULTS.confidence,
    inconclusive: field('inconclusive') === 'fail' ? ('fail' as const) : ('pass' as const),
  };
}
