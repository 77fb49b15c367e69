import { stat } from 'node:fs/promises';
import path from 'node:path';
import fg from 'fast-glob';
import type { BaselineMissing } from './gates.js';
import { loadBaseline, type Summary } from './summary.js';

/**
 * Baselines: one summary.json (it applies to every plan), or a folder holding earlier runs' results as `atq run`,
 * artifact downloads or Jenkins' copyArtifacts leave them (one summary.json per plan and run, at any depth): a
 * history, each plan's newest runs first.
 */
export interface BaselineSet {
  from: string;
  kind: 'file' | 'dir';
  summaries: Summary[];
  /** summary.json files in the folder that could not be used, and why (shown as warnings). */
  unreadable: string[];
}

/** Raised when the path does not exist: a first run in CI, an expired artifact. */
export class BaselineNotFound extends Error {}

export async function readBaselineSet(from: string): Promise<BaselineSet> {
  const st = await stat(from).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') throw new BaselineNotFound(`${from} does not exist`);
    throw new Error(`cannot read the baseline ${from}: ${e.message}`, { cause: e });
  });
  if (!st.isDirectory()) return { from, kind: 'file', summaries: [await loadBaseline(from)], unreadable: [] };
  const files = await fg('**/summary.json', {
    cwd: from,
    absolute: true,
    deep: 8,
    followSymbolicLinks: false,
  });
  const set: BaselineSet = { from, kind: 'dir', summaries: [], unreadable: [] };
  for (const file of files.sort()) {
    await loadBaseline(file).then(
      (s) => set.summaries.push(s),
      (e: Error) => set.unreadable.push(e.message),
    );
  }
  if (!set.summaries.length) throw new BaselineNotFound(`no ATQ summary.json in ${from}`);
  return set;
}

const planOf = (s: Summary) => (typeof s.run?.plan === 'string' ? s.run.plan : null);
const startOf = (s: Summary) => String(s.run?.startedAt ?? s.window?.start ?? '');

/**
 * The history of one plan, newest first, at most `runs`: from a folder, the summaries of the same plan (one per
 * run: a run's summary found twice, in its artifact and its copy, counts once); for a run of one plan, also
 * those of a folder that holds one plan only (the plan was renamed). A file applies to every plan.
 */
export function historyForPlan(set: BaselineSet, plan: string, planCount: number, runs = 10): Summary[] {
  if (set.kind === 'file') return set.summaries.slice(0, 1);
  let candidates = set.summaries.filter((s) => planOf(s) === plan);
  if (!candidates.length && planCount === 1 && new Set(set.summaries.map(planOf)).size === 1)
    candidates = set.summaries;
  const seen = new Set<string>();
  return candidates
    .sort((a, b) => startOf(b).localeCompare(startOf(a)))
    .filter((s) => {
      const id = typeof s.run?.runId === 'string' ? `${s.run.runId} ${planOf(s)}` : undefined;
      if (id === undefined) return true;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    })
    .slice(0, runs);
}

/** The newest run of the plan's history. */
export function baselineForPlan(set: BaselineSet, plan: string, planCount: number): Summary | undefined {
  return historyForPlan(set, plan, planCount, 1)[0];
}

/** What one plan's analysis compares with: its history (newest first), or why there is none and what gates do then. */
export interface PlanBaseline {
  history?: Summary[];
  missing: BaselineMissing;
}

export function planBaseline(
  set: BaselineSet | undefined,
  missing: BaselineMissing,
  plan: string,
  planCount: number,
  runs = 10,
): PlanBaseline {
  if (!set) return { missing };
  const history = historyForPlan(set, plan, planCount, runs);
  if (history.length) return { history, missing };
  const reason = plan
    ? `no summary.json of plan ${plan} in ${path.normalize(set.from)}`
    : `${path.normalize(set.from)} holds summaries of several plans; give one summary.json`;
  return { missing: { ...missing, reason } };
}
