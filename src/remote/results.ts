import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PlanSummary } from '../core/analyse.js';
import type { RunReport } from '../core/report.js';
import type { Summary } from '../results/summary.js';
import type { AutoStopTrigger } from '../results/auto-stop.js';
import type { Unreliable } from '../results/generators.js';
import { errorCode, finite, isObject, serverLine, serverText, verdictOf } from './answers.js';

/** A result path the server listed, only if it stays inside the folder it is written to. */
export function safeResultPath(rel: string): string | undefined {
  if (typeof rel !== 'string' || !rel || rel.length > 1024) return undefined;
  const parts = rel.split('/');
  if (rel.startsWith('/') || rel.includes('\\') || rel.includes('\0')) return undefined;
  if (parts.some((p) => p === '' || p === '.' || p === '..' || p.length > 255)) return undefined;
  return parts.join(path.sep);
}

/** run.json and summary.json files larger than this are not read (the download may hold anything). */
const MAX_JSON = 64 * 1024 * 1024;

async function readJson(file: string): Promise<unknown> {
  try {
    if ((await stat(file)).size > MAX_JSON) return undefined;
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The run's report as a local run returns it: the server's run.json, with every folder it names moved
 * from the server's results folder to the local one (never outside it). Undefined without a readable
 * run.json (a task that failed before its run started) or with one not of a report's shape.
 */
export async function localReport(dir: string): Promise<RunReport | undefined> {
  const report = await readJson(path.join(dir, 'run.json'));
  if (!isObject(report) || typeof report.outDir !== 'string' || !Array.isArray(report.plans))
    return undefined;
  const serverDir = report.outDir;
  const local = (p: unknown) => {
    const rel = typeof p === 'string' ? path.posix.relative(serverDir, p) : '';
    return safeResultPath(rel) ? path.join(dir, ...rel.split('/')) : dir;
  };
  const plans = report.plans
    .filter((p): p is Record<string, unknown> => isObject(p) && typeof p.plan === 'string')
    .map((p) => ({ ...p, outDir: local(p.outDir), verdict: verdictOf(p.verdict) }));
  const error = isObject(report.error)
    ? { code: errorCode(report.error.code), message: serverText(report.error.message) }
    : undefined;
  return {
    ...(report as unknown as RunReport),
    outDir: dir,
    plans: plans as unknown as RunReport['plans'],
    verdict: verdictOf(report.verdict),
    error,
    autoStop: checkAutoStop(report.autoStop),
    unreliable: checkUnreliable(report.unreliable),
  };
}

/** Most names a server's `unreliable` may list (a run has at most 500 workers). */
const MAX_GENERATORS = 500;

/** The server's autoStop as the fronts print it: its texts inert and bounded, else none at all. */
function checkAutoStop(v: unknown): AutoStopTrigger | undefined {
  if (!isObject(v) || typeof v.criterion !== 'string' || typeof v.message !== 'string') return undefined;
  const n = (x: unknown) => (finite(x) ? x : 0);
  return {
    ...(v as unknown as AutoStopTrigger),
    criterion: serverLine(v.criterion),
    message: serverLine(v.message),
    plan: serverLine(v.plan),
    label: typeof v.label === 'string' ? serverLine(v.label) : null,
    observed: n(v.observed),
    threshold: n(v.threshold),
    windowMs: n(v.windowMs),
    heldMs: n(v.heldMs),
    elapsedMs: n(v.elapsedMs),
  };
}

/** The server's unreliable: lists of inert, bounded lines, else none. */
function checkUnreliable(v: unknown): Unreliable | undefined {
  if (!isObject(v) || !Array.isArray(v.reasons) || !Array.isArray(v.workers)) return undefined;
  const lines = (a: unknown[]) => a.slice(0, MAX_GENERATORS).map((x) => serverLine(x));
  return { reasons: lines(v.reasons), workers: lines(v.workers) };
}

/** Each analysed plan's summary.json, as the fronts publish them (those of a summary's outline only). */
export async function planSummaries(report: RunReport): Promise<PlanSummary[]> {
  const out: PlanSummary[] = [];
  for (const plan of report.plans) {
    const summary = await readJson(path.join(plan.outDir, 'summary.json'));
    // not analysed (no samples): a local run has no summary for it either
    if (isSummary(summary)) out.push({ plan: plan.plan, outDir: plan.outDir, summary });
  }
  return out;
}

/** The outline the fronts rely on when they publish a summary; its values are shown escaped. */
function isSummary(s: unknown): s is Summary {
  return (
    isObject(s) &&
    isObject(s.totals) &&
    Array.isArray(s.labels) &&
    Array.isArray(s.gates) &&
    verdictOf(s.verdict) !== undefined
  );
}
