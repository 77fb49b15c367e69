import type { RunEvent } from '../core/events.js';
import { AtqError, isAtqError } from '../errors.js';
import { sleep } from '../util/abort.js';
import { taskRoute, type ServerApi } from './api.js';
import { SseParser } from './sse.js';

/** A task as the server shows it (GET /api/task/{id}, and the `status`/`end` events): what the client reads. */
export interface RemoteTask {
  id: string;
  status: 'queued' | 'starting' | 'running' | 'collecting' | 'finished' | 'failed' | 'cancelled';
  position: number;
  runId?: string;
  verdict?: string;
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
      const end = await readStream(api, id, parser, opts.onEvent, () => {
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
  onEvent: (e: TaskEvent) => void,
  connected: () => void,
): Promise<RemoteTask | undefined> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (parser.lastEventId) headers['last-event-id'] = parser.lastEventId;
  const res = await api.call('GET', taskRoute(id, '/events'), `follow task ${id}`, { headers });
  connected();
  if (!res.body) return undefined;
  const decoder = new TextDecoder();
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    for (const sse of parser.push(decoder.decode(chunk, { stream: true }))) {
      const event = parseEvent(sse.data);
      if (!event) continue;
      onEvent(event);
      if (event.kind === 'end') return event.task;
    }
  }
  return undefined;
}

function parseEvent(data: string): TaskEvent | undefined {
  try {
    const e = JSON.parse(data) as TaskEvent;
    return e && typeof e === 'object' && typeof e.kind === 'string' ? e : undefined;
  } catch {
    // not one of ours: a proxy's injected line; the stream goes on
    return undefined;
  }
}

function lostError(server: string, id: string, reason: string): AtqError {
  return new AtqError(
    'SERVER_ERROR',
    `Lost the ATQ server at ${server} while following task ${id} (${reason}), and could not reconnect. ` +
      `The task may still be running there: see ${server}/ or GET ${server}${taskRoute(id)}.`,
    { server, taskId: id },
  );
}
