import { REF_PATTERN } from '../config/baseline-auto.js';
import { VERDICT_ORDER, type Verdict } from '../results/summary.js';
import { claimedSource } from '../config/source-claim.js';
import { mayActFor } from './auth.js';
import type { ServerContext } from './context.js';
import { MAX_SUMMARY_BYTES } from '../results/summary.js';
import { readSmallJson, selectHistory, type HistoryEntry } from './history.js';
import { badRequest, HttpError, intParam, sendJson } from './http.js';
import type { Route } from './router.js';

/** One plan of an earlier run, as a trend shows it: the whole run's numbers from its summary.json. */
interface PlanNumbers {
  plan: string;
  verdict: Verdict | null;
  samples: number;
  p95: number;
  errorRate: number;
  throughput: number;
}

const MAX_PLAN = 1024;
const VERDICTS: readonly Verdict[] = VERDICT_ORDER;

/**
 * GET /api/history: the earlier runs a task of this name would be judged against with `baseline: auto`, newest
 * first, with each plan's whole-run numbers. A token sees its own tasks' history (an admin token may name
 * another owner): the same rule that decides whose runs a baseline takes.
 */
export function historyRoutes(ctx: ServerContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/history',
      handler: async ({ res, url, owner: caller }) => {
        const q = historyQuery(url, caller);
        if (!mayActFor(caller, q.owner, ctx.tokens))
          throw new HttpError(
            403,
            'NOT_OWNER',
            `The history of ${q.owner}'s tasks is theirs: only that token (or an admin token) may read it. ` +
              'Leave out owner to see your own.',
          );
        const entries = await selectHistory(ctx.store, {
          owner: q.owner,
          name: q.name,
          ref: q.ref ?? undefined,
          plans: q.plan === null ? undefined : [q.plan],
          limit: q.limit,
        });
        const runs = (await Promise.all(entries.map(historyRun))).filter((r) => r.plans.length);
        sendJson(res, 200, { ...q, runs });
      },
    },
  ];
}

function historyQuery(url: URL, caller: string) {
  const param = (name: string) => url.searchParams.get(name) ?? undefined;
  const name = param('name');
  const plan = param('plan');
  const ref = param('ref');
  const problems: string[] = [];
  if (!name?.trim()) problems.push('name: required, the name of the tasks (as PUT /api/task named them)');
  if (plan !== undefined && (!plan || plan.length > MAX_PLAN))
    problems.push(`plan: a plan's path in the upload (e.g. checkout.jmx), 1 to ${MAX_PLAN} characters`);
  if (ref !== undefined && !REF_PATTERN.test(ref))
    problems.push("ref: a branch or ref name (1 to 255 characters, no spaces), as the tasks' source gave it");
  const limit = intParam(url, 'limit', 10, [1, 100]);
  if (problems.length) throw badRequest(problems);
  return {
    name: name as string,
    owner: param('owner') ?? caller,
    plan: plan ?? null,
    ref: ref ?? null,
    limit,
  };
}

async function historyRun({ task, plans }: HistoryEntry) {
  const source = claimedSource(task.payload.source);
  const numbers = await Promise.all(plans.map((p) => planNumbers(p.plan, p.summary)));
  return {
    taskId: task.id,
    runId: task.runId ?? null,
    startedAt: task.startedAt ?? null,
    finishedAt: task.finishedAt ?? null,
    verdict: task.verdict ?? null,
    // Never checked by the server: what the client that submitted the task said it tested.
    source: source ? { ...source, claimedBy: 'client' } : null,
    plans: numbers.filter((n): n is PlanNumbers => n !== undefined),
  };
}

async function planNumbers(plan: string, file: string): Promise<PlanNumbers | undefined> {
  const summary = (await readSmallJson(file, MAX_SUMMARY_BYTES)) as {
    verdict?: unknown;
    totals?: Record<string, unknown>;
  } | null;
  const t = summary?.totals;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
  const [samples, p95, errorRate, throughput] = ['samples', 'p95', 'errorRate', 'throughput'].map((k) =>
    num(t?.[k]),
  );
  if (samples === undefined || p95 === undefined || errorRate === undefined || throughput === undefined)
    return undefined;
  const verdict = VERDICTS.includes(summary?.verdict as Verdict) ? (summary?.verdict as Verdict) : null;
  return { plan, verdict, samples, p95, errorRate, throughput };
}
