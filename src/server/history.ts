import { copyFile, link, lstat, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { MAX_SUMMARY_BYTES } from '../results/summary.js';
import type { Store, TaskRecord } from './store.js';

/**
 * The server's own history: the earlier runs a task is judged against with `baseline: auto`, and what
 * GET /api/history shows. Only the caller's own tasks count: a task's name is its team's choice ("checkout"),
 * another team's task of that name tests something else, and a history anyone could add runs to could be
 * pushed towards a verdict (slow runs widen the noise until every gate is inconclusive).
 */
export interface HistoryQuery {
  owner: string;
  name: string;
  /** Only tasks whose client claimed this source ref (`auto:REF`, `?ref=`). */
  ref?: string;
  /** Only these plans (a task's own); undefined: every plan the tasks ran. */
  plans?: string[];
  /** Runs per plan (with plans) or tasks (without). */
  limit: number;
}

/** One plan of an earlier task, with its summary.json on the server. */
export interface HistoryPlan {
  plan: string;
  summary: string;
}

export interface HistoryEntry {
  task: TaskRecord;
  plans: HistoryPlan[];
}

const PAGE = 50;
/** Tasks looked at for one history at most: a history of tasks whose results are gone ends there. */
const MAX_EXAMINED = 1000;
/** ATQ's run.json of a run is a few KB; summaries hold exact distributions, MBs for many labels. */
const MAX_RUN_JSON = 4 * 1024 * 1024;

/** Newest first: the finished tasks with a summary of a wanted plan, until each plan has `limit` of them. */
export async function selectHistory(store: Store, q: HistoryQuery): Promise<HistoryEntry[]> {
  const entries: HistoryEntry[] = [];
  const counts = new Map<string, number>();
  const room = (plan: string) => (counts.get(plan) ?? 0) < q.limit;
  const wanted = (plan: string) => (q.plans ? q.plans.includes(plan) && room(plan) : true);
  const done = () => (q.plans ? !q.plans.some(room) : entries.length >= q.limit);
  for (let offset = 0; offset < MAX_EXAMINED && !done(); offset += PAGE) {
    const page = store.finishedRuns({ owner: q.owner, name: q.name, ref: q.ref, limit: PAGE, offset });
    for (const task of page) {
      if (done()) break;
      const plans = (await runPlans(task)).filter((p) => wanted(p.plan));
      if (!plans.length) continue;
      for (const p of plans) counts.set(p.plan, (counts.get(p.plan) ?? 0) + 1);
      entries.push({ task, plans });
    }
    if (page.length < PAGE) break;
  }
  return entries;
}

/**
 * The plans of a run's results folder and their folders relative to it ('' for a run of one plan), as ATQ's
 * run.json lists them: read bounded, never through a link, and only the folder itself or one folder in it.
 * Whatever else is in the results (collected/, a container's files) is not ATQ's and never counts.
 */
export async function planFoldersOf(dir: string): Promise<{ plan: string; rel: string }[]> {
  const run = (await readSmallJson(path.join(dir, 'run.json'), MAX_RUN_JSON)) as {
    outDir?: unknown;
    plans?: { plan?: unknown; outDir?: unknown }[];
  } | null;
  if (!run || typeof run.outDir !== 'string' || !Array.isArray(run.plans)) return [];
  const out: { plan: string; rel: string }[] = [];
  for (const p of run.plans) {
    if (typeof p?.plan !== 'string' || typeof p.outDir !== 'string') continue;
    const rel = path.posix.relative(run.outDir, p.outDir);
    if (!rel.includes('/') && rel !== '..' && !rel.includes('\\')) out.push({ plan: p.plan, rel });
  }
  return out;
}

/** The plans of a finished task and their summary.json files (see planFoldersOf). */
export async function runPlans(task: TaskRecord): Promise<HistoryPlan[]> {
  const dir = task.outDir;
  if (!dir) return [];
  const found: HistoryPlan[] = [];
  for (const { plan, rel } of await planFoldersOf(dir)) {
    const summary = path.join(dir, rel, 'summary.json');
    if (await isSmallFile(summary, MAX_SUMMARY_BYTES)) found.push({ plan, summary });
  }
  return found;
}

/** A regular file (not a link) of at most `max` bytes. */
async function isSmallFile(file: string, max: number): Promise<boolean> {
  const st = await lstat(file).catch(() => undefined);
  return Boolean(st?.isFile() && st.size <= max);
}

/** The JSON in a regular file of at most `max` bytes, or null. */
export async function readSmallJson(file: string, max: number): Promise<unknown> {
  if (!(await isSmallFile(file, max))) return null;
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

/**
 * The history as a baseline folder the core reads (src/results/baseline.ts): each task in its own subfolder,
 * one summary.json per plan. Hard links where it can (no copies of large summaries); copies otherwise.
 */
export async function writeHistoryFolder(dir: string, entries: HistoryEntry[]): Promise<void> {
  for (const { task, plans } of entries) {
    for (const [i, p] of plans.entries()) {
      const dest = path.join(dir, task.id, String(i + 1));
      await mkdir(dest, { recursive: true });
      const file = path.join(dest, 'summary.json');
      await link(p.summary, file).catch(() => copyFile(p.summary, file));
    }
  }
}
