import { mayActFor } from './auth.js';
import type { ServerContext } from './context.js';
import { badRequest, HttpError, intParam, notFound, readJson, sendJson } from './http.js';
import type { Route } from './router.js';
import { checkSubmission, enqueue, newId } from './submit.js';
import { shownPayload } from './mask.js';
import { assertUploadsAvailable } from './uploads.js';
import { ENDED, TASK_STATUSES, type ScheduleRecord, type TaskStatus } from './store.js';

const STATUSES: readonly TaskStatus[] = TASK_STATUSES;

export function taskRoutes(ctx: ServerContext): Route[] {
  const { store, queue } = ctx;
  const found = (id: string) => {
    const task = store.task(id);
    if (!task) throw notFound(`Task ${id}`);
    return task;
  };
  return [
    {
      method: 'PUT',
      path: '/api/task',
      handler: async ({ req, res, owner }) => {
        const submission = await checkSubmission(await readJson(req), ctx, owner);
        if (submission.schedule) {
          const mine = store.schedules().filter((x) => x.owner === owner).length;
          if (mine >= ctx.options.maxQueuedPerToken)
            throw new HttpError(
              429,
              'QUEUE_LIMIT',
              `${owner} already has ${mine} schedule(s), the most this server allows per token ` +
                `(--max-queued ${ctx.options.maxQueuedPerToken}). Remove one first (DELETE /api/schedule/{id}).`,
            );
          assertUploadsAvailable(ctx, submission.payload);
          const s = ctx.schedules.add({
            id: newId(),
            cron: submission.schedule,
            name: submission.name,
            owner,
            payload: submission.payload,
            createdAt: new Date().toISOString(),
          });
          return sendJson(res, 201, shownSchedule(s), { location: `/api/schedule/${s.id}` });
        }
        const { id } = enqueue(submission, owner, ctx);
        // Accepted into the queue; position 0 when it found a free slot and is already starting.
        const task = queue.view(found(id));
        sendJson(
          res,
          202,
          { id: task.id, status: 'queued', position: task.position },
          {
            location: `/api/task/${task.id}`,
          },
        );
      },
    },
    {
      method: 'GET',
      path: '/api/task',
      handler: ({ res, url }) => {
        const status = (url.searchParams.get('status') ?? '').split(',').filter(Boolean);
        const bad = status.filter((s) => !STATUSES.includes(s as TaskStatus));
        if (bad.length) throw badRequest([`status: ${bad.join(', ')} not one of ${STATUSES.join(', ')}`]);
        const limit = intParam(url, 'limit', 50, [1, 500]);
        const offset = intParam(url, 'offset', 0, [0, 1e9]);
        const { tasks, total } = store.tasks({
          status: status as TaskStatus[],
          owner: url.searchParams.get('owner') ?? undefined,
          scheduleId: url.searchParams.get('schedule') ?? undefined,
          limit,
          offset,
        });
        sendJson(res, 200, { tasks: tasks.map((t) => queue.view(t)), total, limit, offset });
      },
    },
    {
      method: 'GET',
      path: '/api/task/:id',
      handler: ({ res, params }) => sendJson(res, 200, queue.view(found(params.id as string))),
    },
    {
      method: 'DELETE',
      path: '/api/task/:id',
      handler: ({ res, params, owner }) => {
        const task = found(params.id as string);
        mayChange(owner, task.owner, `task ${task.id}`, ctx);
        if (ENDED.has(task.status) || !queue.cancel(task.id))
          throw new HttpError(409, 'TASK_ENDED', `Task ${task.id} has already ended (${task.status}).`);
        const now = found(task.id);
        // A queued task is gone at once; a running one is being aborted and cleaned up (follow its events).
        sendJson(res, now.status === 'cancelled' ? 200 : 202, queue.view(now));
      },
    },
    {
      method: 'GET',
      path: '/api/schedule',
      handler: ({ res }) => sendJson(res, 200, { schedules: store.schedules().map(shownSchedule) }),
    },
    {
      method: 'DELETE',
      path: '/api/schedule/:id',
      handler: ({ res, params, owner }) => {
        const schedule = store.schedule(params.id as string);
        if (!schedule) throw notFound(`Schedule ${params.id}`);
        mayChange(owner, schedule.owner, `schedule ${schedule.id}`, ctx);
        ctx.schedules.remove(schedule.id);
        res.writeHead(204).end();
      },
    },
  ];
}

/**
 * Everyone may see the shared queue; only the token that submitted something (or an admin token) may
 * cancel or remove it.
 */
function mayChange(caller: string, owner: string, what: string, ctx: ServerContext): void {
  if (!mayActFor(caller, owner, ctx.tokens))
    throw new HttpError(
      403,
      'NOT_OWNER',
      `${what} was submitted by ${owner}; only that token (or an admin token) may cancel or remove it.`,
    );
}

/** A schedule as every token sees it: its task body's secrets masked, as a task's are. */
function shownSchedule(s: ScheduleRecord): ScheduleRecord {
  return { ...s, payload: shownPayload(s.payload) };
}
