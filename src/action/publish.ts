import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import * as core from '@actions/core';
import { DefaultArtifactClient } from '@actions/artifact';
import type { PlanSummary } from '../core/analyse.js';
import type { Outcome } from '../core/outcome.js';
import type { RunResult } from '../core/run.js';
import type { GateResult } from '../results/gates.js';
import { gateValue } from '../results/report/text.js';
import { errorMessage } from '../errors.js';
import { until } from '../util/abort.js';
import { jobSummary } from './job-summary.js';
import { summaryArtifactName } from './pr/baseline.js';

export interface PublishOptions {
  artifactName: string;
  retentionDays?: number;
  upload: boolean;
  failOnGates: boolean;
  /** When the upload must have ended (moves closer on a cancel: the runner kills the step soon after). */
  uploadUntil: () => number;
  /** Sets the step's result; called before the upload, so a step killed while uploading still has it. */
  conclude: () => void;
}

/**
 * Outputs, job summary, annotations and the step's result first (file commands the runner reads even
 * if it kills the step), then the artifact: whatever the outcome, whatever is there. Returns the artifact's id.
 */
export async function publish(
  result: RunResult,
  o: Outcome,
  opts: PublishOptions,
): Promise<number | undefined> {
  setOutputs(result);
  await writeJobSummary(result, o, opts.artifactName).catch((e: unknown) =>
    core.warning(`could not write the job summary: ${errorMessage(e)}`),
  );
  annotate(result.summaries, opts.failOnGates);
  opts.conclude();
  if (!opts.upload) return undefined;
  const id = await uploadResults(result, opts);
  if (id !== undefined) core.setOutput('artifact-id', String(id));
  return id;
}

function setOutputs(result: RunResult): void {
  const { report, summaries } = result;
  const first = summaries[0];
  const out: Record<string, string | number | undefined> = {
    'run-id': report.runId,
    status: report.status,
    verdict: report.verdict,
    // A load generator was saturated (generator health): the latencies may be the generator's.
    unreliable: summaries.length ? String(report.unreliable !== undefined) : undefined,
    'results-dir': report.outDir,
    'summary-json': first && path.join(first.outDir, 'summary.json'),
    'report-html': first && path.join(first.outDir, 'report.html'),
    samples: first?.summary.totals.samples,
    'error-rate': first?.summary.totals.errorRate,
    p95: first?.summary.totals.p95,
    throughput: first && +first.summary.totals.throughput.toFixed(3),
    'auto-stopped': String(report.autoStop !== undefined),
    'auto-stop-reason': report.autoStop?.message,
  };
  for (const [name, value] of Object.entries(out))
    if (value !== undefined) core.setOutput(name, String(value));
}

/**
 * One annotation per failed gate (title: the gate; an error, or a warning with fail-on-gates: false), one per
 * inconclusive gate (a warning; as a failed one under `inconclusive: fail`), a warning per analysis warning
 * (the first few), and a notice with each plan's verdict.
 */
const MAX_WARNING_ANNOTATIONS = 3;

function annotate(summaries: PlanSummary[], failOnGates: boolean): void {
  const annotation = failOnGates ? core.error : core.warning;
  for (const { plan, summary } of summaries) {
    for (const g of summary.gates.filter((x) => x.status === 'failed')) {
      annotation(`${plan}: ${gateNumbers(g)} (${g.reason})`, {
        title: `Performance gate failed: ${g.expression}`,
      });
    }
    const blocks = summary.inconclusive === 'fail';
    for (const g of summary.gates.filter((x) => x.status === 'inconclusive')) {
      (blocks ? annotation : core.warning)(
        `${plan}: ${gateNumbers(g)}; ${g.reason}. ${inconclusiveAdvice(blocks)}`,
        {
          title: `Performance gate inconclusive: ${g.expression}`,
        },
      );
    }
    // The analysis' warnings (most requests failed and why, a truncated JTL, no samples) reach the
    // checks page too, not only the log; GitHub shows at most 10 warnings per step, so the first few.
    for (const w of summary.warnings.slice(0, MAX_WARNING_ANNOTATIONS))
      core.warning(`${plan}: ${w}`, { title: 'Load test warning' });
    const t = summary.totals;
    core.notice(
      `${plan}: ${summary.verdict}; ${t.samples} samples, ${(t.errorRate * 100).toFixed(2)}% errors, p95 ${t.p95} ms, ${t.throughput.toFixed(1)}/s`,
      { title: `Load test ${summary.verdict}` },
    );
  }
}

function gateNumbers(g: GateResult): string {
  return (
    `actual ${gateValue(g.actual, g.metric)}, threshold ${g.op} ${gateValue(g.threshold, g.metric)}` +
    (g.baseline === null ? '' : `, baseline ${gateValue(g.baseline, g.metric)}`)
  );
}

/** What an inconclusive gate does to the step (its reason said why), and how to make the gate decide. */
function inconclusiveAdvice(blocks: boolean): string {
  return (
    (blocks
      ? 'The step fails for it (inconclusive: fail). '
      : 'The step does not fail for it (inconclusive: pass). ') +
    'To make the gate decide: more earlier runs (baseline-runs), longer runs, or a wider tolerance' +
    (blocks ? '.' : '; inconclusive: fail blocks the merge until it decides.')
  );
}

async function writeJobSummary(result: RunResult, o: Outcome, artifactName: string): Promise<void> {
  await core.summary.addRaw(jobSummary(result.report, result.summaries, o, artifactName)).write();
}

/**
 * The run's results folder as one artifact, then its summaries as a second, small one (what later pull
 * requests' `baseline: auto` downloads instead of every run's JTLs). Without an artifact service, a warning.
 */
async function uploadResults(result: RunResult, opts: PublishOptions): Promise<number | undefined> {
  const dir = result.report.outDir;
  if (!process.env.ACTIONS_RUNTIME_TOKEN || !process.env.ACTIONS_RESULTS_URL) {
    core.warning(
      `No artifact service in this runtime (ACTIONS_RUNTIME_TOKEN/ACTIONS_RESULTS_URL not set): the results stay in ${dir}.`,
    );
    return undefined;
  }
  const id = await listFiles(dir)
    .then((files) => upload(opts.artifactName, files, dir, opts))
    .catch((e: unknown) => {
      core.warning(
        `Could not upload the results as artifact ${opts.artifactName}: ${errorMessage(e)}. They stay in ${dir}.`,
      );
      return undefined;
    });
  const name = summaryArtifactName(opts.artifactName);
  await summaryFiles(result)
    .then((files) => upload(name, files, dir, opts))
    .catch((e: unknown) =>
      core.warning(
        `Could not upload the summaries as artifact ${name}: ${errorMessage(e)}. Pull requests that take this run ` +
          `as their baseline (baseline: auto) download its artifact ${opts.artifactName} instead.`,
      ),
    );
  return id;
}

/** One artifact of `files` (paths below `dir`); undefined when there is nothing to upload or no time left. */
async function upload(
  name: string,
  files: string[],
  dir: string,
  opts: PublishOptions,
): Promise<number | undefined> {
  if (!files.length) return undefined;
  // After a cancel, one upload may have used up the time: the runner kills the step soon after.
  if (Date.now() >= opts.uploadUntil()) {
    core.warning(`No time left to upload artifact ${name}; the results stay in ${dir}.`);
    return undefined;
  }
  const uploading = new DefaultArtifactClient().uploadArtifact(name, files, dir, {
    retentionDays: opts.retentionDays,
  });
  const done = await until(opts.uploadUntil, uploading);
  if (!done) {
    core.warning(`The upload of artifact ${name} did not finish in time; the results stay in ${dir}.`);
    return undefined;
  }
  core.info(`[atq] uploaded ${files.length} file(s) as artifact ${name} (id ${done.value.id})`);
  return done.value.id;
}

/** Each plan's summary.json and the run's run.json, at their paths in the results folder: a run's history entry. */
async function summaryFiles({ report, summaries }: RunResult): Promise<string[]> {
  const wanted = [
    path.join(report.outDir, 'run.json'),
    ...summaries.map((s) => path.join(s.outDir, 'summary.json')),
  ];
  const present = await Promise.all(wanted.map(isFile));
  // Without a summary there is nothing a later comparison could read: no artifact.
  return present.slice(1).some(Boolean) ? wanted.filter((_, i) => present[i]) : [];
}

const isFile = (file: string) =>
  stat(file).then(
    (st) => st.isFile(),
    () => false,
  );

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}
