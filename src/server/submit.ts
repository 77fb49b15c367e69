import { randomBytes } from 'node:crypto';
import { parseAutoBaseline } from '../config/baseline-auto.js';
import { sourceProblems } from '../config/source-claim.js';
import { optionProblems, optionValues } from './atq-task.js';
import type { ServerContext } from './context.js';
import { badRequest, HttpError } from './http.js';
import { cronProblem } from './schedules.js';
import { parseSeedTask } from './seed-task.js';
import type { TaskRecord } from './store.js';
import { formatBytes } from '../util/bytes.js';
import { seedLimitProblems } from './limits.js';
import { assertUploadsAvailable, uploadProblem } from './uploads.js';

export const newId = () => randomBytes(9).toString('base64url');

/** A task body, checked: which form it is and every problem, each naming its field. */
export interface Submission {
  kind: 'atq' | 'seed';
  name?: string;
  schedule?: string;
  payload: Record<string, unknown>;
}

/**
 * Two forms: ATQ's (`fileId` plus the `atq run` options by their atq.yml names) and the seed's own
 * (`name, delay, waitCommand, master, worker`), told apart by `master`/`worker`. Everything is
 * checked now, so a task that cannot run is refused with 400 instead of failing at its turn.
 */
export async function checkSubmission(body: unknown, ctx: ServerContext, owner: string): Promise<Submission> {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw badRequest(['body: must be a JSON object (a task)']);
  const payload = body as Record<string, unknown>;
  const problems: string[] = [];
  const schedule = payload.schedule;
  if (schedule !== undefined) {
    const p =
      typeof schedule === 'string' ? cronProblem(schedule) : 'must be a cron expression such as "0 2 * * *"';
    if (p) problems.push(`schedule: ${p}`);
  }
  const seed = 'master' in payload || 'worker' in payload;
  if (seed) {
    const { problems: seedProblems, spec } = parseSeedTask(withoutKey(payload, 'schedule'));
    problems.push(...seedProblems);
    if (spec) problems.push(...seedLimitProblems(spec, ctx.options.limits));
    for (const [role, def] of [
      ['master', spec?.master],
      ['worker', spec?.worker],
    ] as const) {
      const p = def?.fileId && (await uploadProblem(ctx, owner, def.fileId, `${role}.fileId`));
      if (p) problems.push(p);
    }
  } else {
    problems.push(...(await atqProblems(payload, ctx, owner)));
  }
  problems.push(...storedProblems(ctx, owner));
  if (payload.name !== undefined && (typeof payload.name !== 'string' || !payload.name.trim()))
    problems.push('name: must be a non-empty string');
  if (problems.length) throw badRequest(problems, 'The task cannot run');
  return {
    kind: seed ? 'seed' : 'atq',
    name: typeof payload.name === 'string' ? payload.name : undefined,
    schedule: typeof schedule === 'string' ? schedule : undefined,
    payload: withoutKey(payload, 'schedule'),
  };
}

async function atqProblems(
  payload: Record<string, unknown>,
  ctx: ServerContext,
  owner: string,
): Promise<string[]> {
  const fileId = payload.fileId;
  if (typeof fileId !== 'string' || !fileId)
    return [
      "fileId: required, the id POST /api/databind/upload answered (or give master/worker: the seed's form)",
    ];
  const problem = await uploadProblem(ctx, owner, fileId, 'fileId');
  const folder = ctx.files.folder(fileId);
  if (problem || !folder) return [problem ?? `fileId: no upload has the id "${fileId}"`];
  const problems = sourceProblems(payload.source);
  if (parseAutoBaseline(payload.baseline) && typeof payload.name !== 'string')
    problems.push(
      'baseline: auto compares with earlier tasks of the same name; give the task a name (atq run --server ' +
        'names it after its plans)',
    );
  return [
    ...problems,
    ...optionProblems(optionValues(payload), folder, ctx.options.allowNetworks, ctx.options.limits),
  ];
}

/** A token whose results already fill its share of the server's disk runs nothing more until some go. */
function storedProblems(ctx: ServerContext, owner: string): string[] {
  const stored = ctx.store.storedBytes(owner);
  const max = ctx.options.limits.maxStoredBytesPerToken;
  if (stored < max) return [];
  return [
    `${owner} keeps ${formatBytes(stored)} of results on this server, the most it allows per token ` +
      `(--max-stored ${formatBytes(max)}); download what you need and let older tasks expire ` +
      '(--keep-results), or ask its operator to raise --max-stored',
  ];
}

function withoutKey(o: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...o };
  delete copy[key];
  return copy;
}

/** Queues a checked submission for `owner`, within the per-token limit. */
export function enqueue(s: Submission, owner: string, ctx: ServerContext, scheduleId?: string): TaskRecord {
  const waiting = ctx.store.queued().filter((t) => t.owner === owner).length;
  if (!scheduleId && waiting >= ctx.options.maxQueuedPerToken) {
    throw new HttpError(
      429,
      'QUEUE_LIMIT',
      `${owner} already has ${waiting} task(s) waiting, the most this server allows per token ` +
        `(--max-queued ${ctx.options.maxQueuedPerToken}). Wait for them to run, or cancel some (DELETE /api/task/{id}).`,
    );
  }
  assertUploadsAvailable(ctx, s.payload);
  const task = ctx.store.insertTask({
    id: newId(),
    name: s.name,
    kind: s.kind,
    status: 'queued',
    owner,
    payload: s.payload,
    createdAt: new Date().toISOString(),
    scheduleId,
  });
  ctx.queue.add(task);
  return task;
}
