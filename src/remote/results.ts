import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebStream } from 'node:stream/web';
import type { PlanSummary } from '../core/analyse.js';
import type { RunReport } from '../core/report.js';
import type { Summary } from '../results/summary.js';
import { taskRoute, type ServerApi } from './api.js';

/** A result path the server listed, only if it stays inside the folder it is written to. */
export function safeResultPath(rel: string): string | undefined {
  const parts = rel.split('/');
  if (!rel || rel.startsWith('/') || rel.includes('\\') || rel.includes('\0')) return undefined;
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return undefined;
  return parts.join(path.sep);
}

/**
 * Every result file of the task (GET /api/task/{id}/results, then each file) into `dir`, as a local run
 * would have written them. Returns the paths written. A listed path that would leave `dir` is skipped.
 */
export async function downloadResults(api: ServerApi, id: string, dir: string): Promise<string[]> {
  const { files } = await api.json<{ files: { path: string }[] }>(
    'GET',
    taskRoute(id, '/results'),
    `list the results of task ${id}`,
  );
  const written: string[] = [];
  await mkdir(dir, { recursive: true });
  for (const file of files) {
    const rel = safeResultPath(file.path);
    if (!rel) continue;
    const route = taskRoute(id, `/results/${file.path.split('/').map(encodeURIComponent).join('/')}`);
    const res = await api.call('GET', route, `download ${file.path} of task ${id}`);
    const dest = path.join(dir, rel);
    await mkdir(path.dirname(dest), { recursive: true });
    if (res.body)
      await pipeline(Readable.fromWeb(res.body as WebStream<Uint8Array>), createWriteStream(dest));
    written.push(rel);
  }
  return written;
}

/**
 * The run's report as a local run returns it: the server's run.json, with every folder it names moved
 * from the server's results folder to the local one. Undefined without a readable run.json (a task
 * that failed before its run started).
 */
export async function localReport(dir: string): Promise<RunReport | undefined> {
  let report: RunReport;
  try {
    report = JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8')) as RunReport;
  } catch {
    return undefined;
  }
  const local = (p: string) => {
    const rel = path.posix.relative(report.outDir, p);
    return rel && !rel.startsWith('..') && !path.posix.isAbsolute(rel)
      ? path.join(dir, ...rel.split('/'))
      : dir;
  };
  return { ...report, outDir: dir, plans: report.plans.map((p) => ({ ...p, outDir: local(p.outDir) })) };
}

/** Each analysed plan's summary.json, as the fronts publish them. */
export async function planSummaries(report: RunReport): Promise<PlanSummary[]> {
  const out: PlanSummary[] = [];
  for (const plan of report.plans) {
    try {
      const summary = JSON.parse(await readFile(path.join(plan.outDir, 'summary.json'), 'utf8')) as Summary;
      out.push({ plan: plan.plan, outDir: plan.outDir, summary });
    } catch {
      // not analysed (no samples): a local run has no summary for it either
    }
  }
  return out;
}
