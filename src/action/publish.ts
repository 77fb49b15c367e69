import { readdir } from 'node:fs/promises';
import path from 'node:path';
import * as core from '@actions/core';
import { DefaultArtifactClient } from '@actions/artifact';
import type { PlanSummary } from '../core/analyse.js';
import type { Outcome } from '../core/outcome.js';
import type { RunResult } from '../core/run.js';
import { gateValue } from '../results/report/text.js';
import { errorMessage } from '../errors.js';
import { until } from '../util/abort.js';
import { jobSummary } from './job-summary.js';

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
  const id = await uploadResults(result.report.outDir, opts);
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
    'results-dir': report.outDir,
    'summary-json': first && path.join(first.outDir, 'summary.json'),
    'report-html': first && path.join(first.outDir, 'report.html'),
    samples: first?.summary.totals.samples,
    'error-rate': first?.summary.totals.errorRate,
    p95: first?.summary.totals.p95,
    throughput: first && +first.summary.totals.throughput.toFixed(3),
  };
  for (const [name, value] of Object.entries(out))
    if (value !== undefined) core.setOutput(name, String(value));
}

/**
 * One annotation per failed gate (title: the gate; an error, or a warning with fail-on-gates: false),
 * and a notice with each plan's verdict.
 */
function annotate(summaries: PlanSummary[], failOnGates: boolean): void {
  const annotation = failOnGates ? core.error : core.warning;
  for (const { plan, summary } of summaries) {
    for (const g of summary.gates.filter((x) => x.status === 'failed')) {
      annotation(
        `${plan}: actual ${gateValue(g.actual, g.metric)}, threshold ${g.op} ${gateValue(g.threshold, g.metric)}` +
          `${g.baseline === null ? '' : `, baseline ${gateValue(g.baseline, g.metric)}`} (${g.reason})`,
        { title: `Performance gate failed: ${g.expression}` },
      );
    }
    const t = summary.totals;
    core.notice(
      `${plan}: ${summary.verdict}; ${t.samples} samples, ${(t.errorRate * 100).toFixed(2)}% errors, p95 ${t.p95} ms, ${t.throughput.toFixed(1)}/s`,
      { title: `Load test ${summary.verdict}` },
    );
  }
}

async function writeJobSummary(result: RunResult, o: Outcome, artifactName: string): Promise<void> {
  await core.summary.addRaw(jobSummary(result.report, result.summaries, o, artifactName)).write();
}

/** Uploads the run's results folder as one artifact; without an artifact service, a warning instead. */
async function uploadResults(dir: string, opts: PublishOptions): Promise<number | undefined> {
  if (!process.env.ACTIONS_RUNTIME_TOKEN || !process.env.ACTIONS_RESULTS_URL) {
    core.warning(
      `No artifact service in this runtime (ACTIONS_RUNTIME_TOKEN/ACTIONS_RESULTS_URL not set): the results stay in ${dir}.`,
    );
    return undefined;
  }
  try {
    const files = await listFiles(dir);
    const upload = new DefaultArtifactClient().uploadArtifact(opts.artifactName, files, dir, {
      retentionDays: opts.retentionDays,
    });
    const done = await until(opts.uploadUntil, upload);
    if (!done) {
      core.warning(`The artifact upload did not finish in time; the results stay in ${dir}.`);
      return undefined;
    }
    core.info(
      `[atq] uploaded ${files.length} file(s) as artifact ${opts.artifactName} (id ${done.value.id})`,
    );
    return done.value.id;
  } catch (e) {
    core.warning(
      `Could not upload the results as artifact ${opts.artifactName}: ${errorMessage(e)}. They stay in ${dir}.`,
    );
    return undefined;
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}
