import path from 'node:path';
import { baselineProblems } from '../config/criteria.js';
import { AtqError, ConfigError } from '../errors.js';
import { criteriaProblems, GATE_FORMS, parseGates } from '../results/gates.js';
import { JtlError } from '../results/jtl/read.js';
import { analyseJtl, loadBaseline, type Summary } from '../results/summary.js';
import { verdictLines } from '../results/verdict-table.js';
import { writeReports } from '../results/write.js';
import { parseFlags } from './args.js';
import { EXIT } from './exit.js';

export const REPORT_HELP = `Usage: atq report <results.jtl> [--criteria GATE]... [--baseline summary.json] [--out DIR]
                  [--percentile N]...

Analyses any JMeter results file (CSV or XML JTL) as atq run does: exact statistics, gates, and
summary.json, summary.md, junit.xml, report.html (+ report.css) in --out (default: the JTL's folder).
Exit code 3 when a gate fails.

Gates: ${GATE_FORMS.join('\n       ')}`;

export async function reportCommand(argv: string[], cwd: string): Promise<number> {
  const flags = parseFlags(
    argv,
    {
      criteria: { type: 'string', multiple: true },
      baseline: { type: 'string' },
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
  if (!flags.baseline) problems.push(...baselineProblems(gates));
  const percentiles = ((flags.percentile as string[] | undefined) ?? []).map((p) => {
    const n = Number(p.replace(/^p/i, ''));
    if (!(n >= 0 && n <= 100)) problems.push(`percentile: "${p}" is not a number from 0 to 100`);
    return n / 100;
  });
  let baseline: Summary | undefined;
  if (flags.baseline) {
    baseline = await loadBaseline(path.resolve(cwd, flags.baseline as string)).catch((e: Error) => {
      problems.push(`baseline: ${e.message}`);
      return undefined;
    });
  }
  if (problems.length) throw new ConfigError(problems);
  const file = path.resolve(cwd, jtl as string);
  let summary: Summary;
  try {
    summary = await analyseJtl(file, { gates, baseline, percentiles });
  } catch (e) {
    if (e instanceof JtlError)
      throw new AtqError('RESULTS_INVALID', `Cannot analyse ${e.message}`, { file: e.file, line: e.line });
    throw e;
  }
  const out = path.resolve(cwd, (flags.out as string | undefined) ?? path.dirname(file));
  await writeReports(out, summary);
  for (const line of verdictLines(summary, path.basename(file))) process.stderr.write(line + '\n');
  process.stderr.write(`reports in ${out}\n`);
  return summary.verdict === 'failed' ? EXIT.gatesFailed : EXIT.ok;
}
