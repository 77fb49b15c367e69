import type { ServerResponse } from 'node:http';
import type { ServerContext } from './context.js';
import type { Numbered } from './hub.js';
import { notFound } from './http.js';
import { ENDED } from './store.js';
import type { Route } from './router.js';

/** SSE comments keep proxies (and Node's own timeouts) from closing a quiet stream during a long soak. */
const KEEPALIVE_MS = 15_000;

/** A client that reads slower than the task writes is dropped past this (it reconnects with Last-Event-ID). */
const BACKLOG_BYTES = 1024 * 1024;

function write(res: ServerResponse, e: Numbered): void {
  // One JSON line per event: data never holds a raw newline, so a line break cannot forge an event.
  res.write(`id: ${e.id}\nevent: ${e.data.kind}\ndata: ${JSON.stringify(e.data)}\n\n`);
  if (res.writableLength > BACKLOG_BYTES) res.destroy();
}

/**
 * GET /api/task/{id}/events: the task's whole story so far, then live until it ends (Server-Sent
 * Events). A client that reconnects with Last-Event-ID (or ?after=N) gets only what it missed.
 */
export function eventRoutes(ctx: ServerContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/task/:id/events',
      handler: ({ req, res, params, url }) => {
        const id = params.id as string;
        const task = ctx.store.task(id);
        if (!task) throw notFound(`Task ${id}`);
        const after = Number(req.headers['last-event-id'] ?? url.searchParams.get('after') ?? 0) || 0;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.write(': atq task events\n\n');
        const live: { stop?: () => void } = {};
        const close = () => {
          live.stop?.();
          clearInterval(timer);
          if (!res.writableEnded) res.end();
        };
        const timer = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
        const sub = ctx.hub.subscribe(
          id,
          after,
          (e) => {
            write(res, e);
            if (e.data.kind === 'end') close();
          },
          ENDED.has(task.status),
        );
        live.stop = sub.stop;
        for (const e of sub.replay) write(res, e);
        if (!sub.stop) {
          // Ended before (or while) the client came: the replay ends with the end event, or, for a task
          // whose events were lost, with its current state so the client is never left waiting.
          if (!sub.replay.some((e) => e.data.kind === 'end'))
            write(res, {
              id: Math.max(after, ctx.hub.lastId(id)) + 1,
              at: new Date().toISOString(),
              data: { kind: 'end', task: ctx.queue.view(task) },
            });
          return close();
        }
        // The response's close, not the request's: a GET's request 'close' can come as soon as it is read.
        res.on('close', close);
      },
    },
  ];
}
