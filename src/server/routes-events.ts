import { once } from 'node:events';
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

/** Live events held back while a long replay is still being read: past this the client is dropped too. */
const HELD_EVENTS = 10_000;

function format(e: Numbered): string {
  // One JSON line per event: data never holds a raw newline, so a line break cannot forge an event.
  return `id: ${e.id}\nevent: ${e.data.kind}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

/**
 * GET /api/task/{id}/events: the task's whole story so far, then live until it ends (Server-Sent
 * Events). A client that reconnects with Last-Event-ID (or ?after=N) gets only what it missed. The story
 * is streamed from disk at the pace the client reads it: many clients of a long task cost no memory.
 */
export function eventRoutes(ctx: ServerContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/task/:id/events',
      handler: async ({ req, res, params, url }) => {
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
        await new EventStream(ctx, res, id, after).run(ENDED.has(task.status));
      },
    },
  ];
}

/** One client's stream: the replay, then the live events (held back until the replay is written). */
class EventStream {
  private sent: number;
  private ended = false;
  private held: Numbered[] | undefined = [];
  private stop?: () => void;
  private readonly timer: NodeJS.Timeout;
  private readonly closed: Promise<void>;

  constructor(
    private readonly ctx: ServerContext,
    private readonly res: ServerResponse,
    private readonly id: string,
    after: number,
  ) {
    this.sent = after;
    this.timer = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
    // The response's close, not the request's: a GET's request 'close' can come as soon as it is read.
    this.closed = new Promise((resolve) => res.on('close', () => resolve()));
    void this.closed.then(() => this.close());
  }

  async run(taskEnded: boolean): Promise<void> {
    const sub = this.ctx.hub.subscribe(this.id, this.sent, (e) => this.live(e), taskEnded);
    this.stop = sub.stop;
    for await (const e of sub.replay) {
      if (this.res.destroyed || this.ended) break;
      if (!this.send(e)) await Promise.race([once(this.res, 'drain'), this.closed]);
    }
    const held = this.held ?? [];
    this.held = undefined;
    for (const e of held) this.send(e);
    if (!this.stop && !this.ended && !this.res.destroyed) {
      // Ended before (or while) the client came: the replay ends with the end event, or, for a task whose
      // events were lost, with its current state so the client is never left waiting.
      const task = this.ctx.store.task(this.id);
      if (task)
        this.send({
          id: Math.max(this.sent, this.ctx.hub.lastId(this.id)) + 1,
          at: new Date().toISOString(),
          data: { kind: 'end', task: this.ctx.queue.view(task) },
        });
      this.close();
    }
  }

  private live(e: Numbered): void {
    if (!this.held) return void this.send(e);
    this.held.push(e);
    if (this.held.length > HELD_EVENTS) this.res.destroy();
  }

  /** Writes the event unless the client has it; false when the client should be waited for. */
  private send(e: Numbered): boolean {
    if (e.id <= this.sent || this.ended || this.res.destroyed) return true;
    this.sent = e.id;
    const flowing = this.res.write(format(e));
    if (e.data.kind === 'end') {
      this.ended = true;
      this.close();
    } else if (this.res.writableLength > BACKLOG_BYTES) this.res.destroy();
    return flowing;
  }

  private close(): void {
    this.stop?.();
    clearInterval(this.timer);
    if (!this.res.writableEnded) this.res.end();
  }
}
