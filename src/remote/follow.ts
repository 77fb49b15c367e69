import type { RunEvent } from '../core/events.js';
import { AtqError, isAtqError } from '../errors.js';
import type { Verdict } from '../results/summary.js';
import { sleep } from '../util/abort.js';
import { taskRoute, type ServerApi } from './api.js';
import { SSE_LIMITS, SseParser } from './sse.js';
import { checkTaskEvent } from './task-answer.js';

/** A task as the server shows it (GET /api/task/{id}, and the `status`/`end` events): what the client reads. */
export interface RemoteTask {
  id: string;
  status: 'queued' | 'starting' | 'running' | 'collecting' | 'finished' | 'failed' | 'cancelled';
  position: number;
  runId?: string;
  /** A run id the server sent that is not of atq's shape (quoted for a message): it names no folder here. */
  badRunId?: string;
  verdict?: Verdict;
  error?: { code: string; message: string };
  stages: Record<string, number>;
}

/** What the task's event stream carries (src/server/hub.ts). */
export type TaskEvent =
  { kind: 'run'; event: RunEvent } | { kind: 'status'; task: RemoteTask } | { kind: 'end'; task: RemoteTask };

export interface FollowOptions {
  onEvent: (e: TaskEvent) => void;
  /** Told once per outage, when the stream dropped and atq starts reconnecting. */
  onReconnect: (reason: string) => void;
  /** How long to keep trying to reconnect, from the first failure (re-read: a cancel shortens it). */
  retryForMs: () => number;
  /** Told when an event was dropped for its size (SSE_LIMITS); the stream goes on. */
  onDropped?: (maxBytes: number) => void;
}

/**
 * Follows GET /api/task/{id}/events until the `end` event and returns the ended task. A dropped stream,
 * or a server that is briefly away (restarting), is reconnected with Last-Event-ID, so no event is
 * shown twice or lost; a refusal (401, 404) is not retried.
 */
export async function followTask(api: ServerApi, id: string, opts: FollowOptions): Promise<RemoteTask> {
  const parser = new SseParser();
  let failingSince: number | undefined;
  let told = false;
  for (let attempt = 0; ; attempt++) {
    let reason: string;
    try {
      const end = await readStream(api, id, parser, opts, () => {
        failingSince = undefined;
        told = false;
      });
      if (end) return end;
      reason = 'the server closed the event stream';
    } catch (e) {
      if (isAtqError(e) && typeof e.details.status === 'number' && e.details.status < 500) throw e;
      reason = e instanceof Error ? e.message : String(e);
    }
    failingSince ??= Date.now();
    if (Date.now() - failingSince > opts.retryForMs()) throw lostError(api.url, id, reason);
    if (!told) opts.onReconnect(reason);
    told = true;
    await sleep(Math.min(500 * 2 ** Math.min(attempt, 4), 5000));
  }
}

/** One connection: events until the end event (returned) or until the stream stops (undefined). */
async function readStream(
  api: ServerApi,
  id: string,
  parser: SseParser,
  opts: FollowOptions,
  connected: () => void,
): Promise<RemoteTask | undefined> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (parser.lastEventId) headers['last-event-id'] = parser.lastEventId;
  const res = await api.call('GET', taskRoute(id, '/events'), `follow task ${id}`, { headers });
  connected();
  if (!res.body) return undefined;
  const decoder = new TextDecoder();
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    const dropped = parser.dropped;
    const events = parser.push(decoder.decode(chunk, { stream: true }));
    if (parser.dropped > dropped) opts.onDropped?.(SSE_LIMITS.event);
    for (const sse of events) {
      // The task id is the one asked for: an answer naming another is not followed there.
      const event = checkTaskEvent(sse.data, id);
      if (!event) continue;
      opts.onEvent(event);
      if (event.kind === 'end') return event.task;
    }
  }
  return undefined;
}

function lostError(server: string, id: string, reason: string): AtqError {
  return new AtqError(
    'SERVER_ERROR',
    `Lost the ATQ server at ${server} while following task ${id} (${reason}), and could not reconnect. ` +
      `The task may still be running there: see ${server}/ or GET ${server}${taskRoute(id)}.`,
    { server, taskId: id },
  );
}
