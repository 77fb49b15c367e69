import {
  checkRunEvent,
  errorCode,
  isObject,
  isRunId,
  serverLine,
  serverText,
  shown,
  verdictOf,
} from './answers.js';
import type { RemoteTask, TaskEvent } from './follow.js';

/**
 * atq serve's task statuses (server/store.ts TASK_STATUSES), written again here: importing the server's store
 * would bring its SQLite loading into the Action's bundle (test/unit/bundle-resolve.test.ts).
 */
const STATUSES: readonly string[] = [
  'queued',
  'starting',
  'running',
  'collecting',
  'finished',
  'failed',
  'cancelled',
] satisfies RemoteTask['status'][];

/** An error's message may carry the last lines of every worker: longer than a log line. */
const MAX_MESSAGE = 32 * 1024;

/**
 * A task as the server describes it, checked (see answers.ts), or undefined when it is not one. Its id is
 * the one this client follows, never the answer's; a run id of another shape than atq's is not used, only
 * kept (quoted) as `badRunId` so the end can say why the results were not downloaded.
 */
export function checkTask(raw: unknown, id: string): RemoteTask | undefined {
  if (!isObject(raw) || !STATUSES.includes(raw.status as string)) return undefined;
  const position = Number.isSafeInteger(raw.position) && (raw.position as number) >= 0 ? raw.position : 0;
  const task: RemoteTask = {
    id,
    status: raw.status as RemoteTask['status'],
    position: position as number,
    stages: stagesOf(raw.stages),
  };
  if (isRunId(raw.runId)) task.runId = raw.runId;
  else if (raw.runId !== undefined && raw.runId !== null) task.badRunId = shown(raw.runId);
  const verdict = verdictOf(raw.verdict);
  if (verdict) task.verdict = verdict;
  if (isObject(raw.error))
    task.error = {
      code: errorCode(raw.error.code),
      message: serverText(raw.error.message, MAX_MESSAGE) || 'the server gave no message',
    };
  return task;
}

function stagesOf(value: unknown): Record<string, number> {
  if (!isObject(value)) return {};
  const entries = Object.entries(value).filter(([, ms]) => typeof ms === 'number' && Number.isFinite(ms));
  // fromEntries defines own properties: a "__proto__" key stays a key.
  return Object.fromEntries(entries.slice(0, 100).map(([k, ms]) => [serverLine(k, 200), ms as number]));
}

/** One event of the task's stream (an SSE event's data), checked; undefined for anything else. */
export function checkTaskEvent(data: string, id: string): TaskEvent | undefined {
  let e: unknown;
  try {
    e = JSON.parse(data);
  } catch {
    // not one of ours: a proxy's injected line; the stream goes on
    return undefined;
  }
  if (!isObject(e)) return undefined;
  if (e.kind === 'run') {
    const event = checkRunEvent(e.event);
    return event && { kind: 'run', event };
  }
  if (e.kind !== 'status' && e.kind !== 'end') return undefined;
  const task = checkTask(e.task, id);
  return task && { kind: e.kind, task };
}
