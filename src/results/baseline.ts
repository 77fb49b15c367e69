import { stat } from 'node:fs/promises';
import path from 'node:path';
import fg from 'fast-glob';
import type { BaselineMissing } from './gates.js';
import { loadBaseline, type Summary } from './summary.js';

/**
 * Baselines of an earlier run: one summary.json (it applies to every plan), or a folder holding a run's results
 * as `atq run`, an artifact download or Jenkins' copyArtifacts leave them (one summary.json per plan, at any
 * depth; several runs in it are fine, the newest of a plan wins).
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
 * The baseline of one plan: from a folder, the newest summary of the same plan; for a run of one plan, also the
 * newest summary when the folder holds one plan only (the plan was renamed). A file applies to every plan.
 */
export function baselineForPlan(set: BaselineSet, plan: string, planCount: number): Summary | undefined {
  if (set.kind === 'file') return set.summaries[0];
  let candidates = set.summaries.filter((s) => planOf(s) === plan);
  if (!candidates.length && planCount === 1 && new Set(set.summaries.map(planOf)).size === 1)
    candidates = set.summaries;
  return candidates.sort((a, b) => startOf(b).localeCompare(startOf(a)))[0];
}

/** What one plan's analysis compares with: its baseline, or why there is none and what gates do then. */
export interface PlanBaseline {
  baseline?: Summary;
  missing: BaselineMissing;
}

export function planBaseline(
  set: BaselineSet | undefined,
  missing: BaselineMissing,
  plan: string,
  planCount: number,
): PlanBaseline {
  if (!set) return { missing };
  const baseline = baselineForPlan(set, plan, planCount);
  if (baseline) return { baseline, missing };
  const reason = plan
    ? `no summary.json of plan ${plan} in ${path.normalize(set.from)}`
    : `${path.normalize(set.from)} holds summaries of several plans; give one summary.json`;
  return { missing: { ...missing, reason } };
}
